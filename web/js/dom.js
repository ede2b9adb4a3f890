// Small DOM and formatting helpers shared by every view.
import { formatDate } from './i18n.js';

/** Creates an element: h('button', {class: 'x', onclick}, 'text', child). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'text') element.textContent = value;
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** An inline icon from the sprite in index.html. */
export function icon(name, extra = '') {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', `icon ${extra}`.trim());
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', `#i-${name}`);
  svg.append(use);
  return svg;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes) {
  if (bytes === undefined || bytes === null || Number.isNaN(bytes)) return '';
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 2)} ${units[unit]}`;
}

export function formatPercent(fraction) {
  if (fraction === undefined || fraction === null) return '';
  return `${(Number(fraction) * 100).toFixed(1)} %`;
}

/** Uptime like Proxmox: `3 days 04:05:06`. */
export function formatDuration(seconds) {
  if (!seconds) return '';
  const days = Math.floor(seconds / 86400);
  const rest = new Date((seconds % 86400) * 1000).toISOString().slice(11, 19);
  return days > 0 ? `${days} d ${rest}` : rest;
}

/** A date and time as the selected language writes it (Galician: `12/01/2024, 10:00:05`). */
export function formatTime(epoch) {
  if (!epoch) return '';
  return formatDate(new Date(epoch * 1000));
}

/** A stable colour for a tag name, as Proxmox derives one when none is configured. */
export function tagColor(tag) {
  let hash = 0;
  for (const char of tag) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return `hsl(${hash % 360} 55% 42%)`;
}

export function tagChips(tags) {
  const names = (tags || '').split(/[;, ]+/).filter(Boolean);
  return names.map((tag) => h('span', { class: 'tag', style: `background:${tagColor(tag)}` }, tag));
}

/** Calls `fn` at most once per animation frame. */
export function coalesce(fn) {
  let pending = false;
  return (...args) => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fn(...args); });
  };
}
