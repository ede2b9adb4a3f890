// The central panel: a title bar and the side menu Proxmox has for each kind of object.
// The chosen entry is part of the location hash, so a reload shows the same view.
import { h, icon, clear } from './dom.js';

/**
 * items: [{ id, label, render(host), when, sub }]; `sub` indents an entry below the one before
 * it (Datacenter → Permissions → Users). render may return a cleanup function that runs
 * when another entry or another object is shown. An entry with `when` (a promise of a
 * boolean: whether the API serves it, whether the user holds the privilege) appears once
 * that resolves to true.
 */
export function renderPanel(container, { title, iconName, items, selected, onTab }) {
  let cleanup = null;
  const body = h('div', { class: 'panel-body', id: 'panel-body', tabindex: '-1' });
  const buttons = items.map((item) => h('button', {
    type: 'button', role: 'tab', class: item.sub ? 'side-item sub' : 'side-item', id: `side-${item.id}`, dataset: { tab: item.id },
    onclick: () => show(item.id, true), hidden: item.when ? true : null,
  }, item.label));
  items.forEach((item, index) => { if (item.when) item.when.then((available) => { buttons[index].hidden = !available; }); });
  const menu = h('div', { class: 'side-menu', role: 'tablist', 'aria-orientation': 'vertical', onkeydown: keydown }, buttons);
  clear(container).append(
    h('div', { class: 'panel-title' }, icon(iconName), h('h1', { id: 'panel-title' }, title)),
    h('div', { class: 'panel-main' }, menu, body));

  function show(id, focusBody = false) {
    const item = items.find((entry) => entry.id === id) || items[0];
    if (cleanup) cleanup();
    for (const button of buttons) {
      const active = button.dataset.tab === item.id;
      button.classList.toggle('active', active);
      button.setAttribute('aria-selected', String(active));
      button.tabIndex = active ? 0 : -1;
    }
    clear(body);
    body.dataset.tab = item.id;
    cleanup = item.render(body) || null;
    if (onTab) onTab(item.id);
    if (focusBody) body.focus({ preventScroll: true });
  }

  function keydown(event) {
    const visible = buttons.filter((button) => !button.hidden);
    const index = visible.indexOf(document.activeElement);
    if (index < 0) return;
    const next = { ArrowDown: index + 1, ArrowUp: index - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = visible[(next + visible.length) % visible.length];
    target.focus();
    show(target.dataset.tab);
  }

  // An entry that may turn out hidden (no privilege, no such method) is shown only once that
  // is known; when hidden, the first entry that is always there is shown instead.
  let closed = false;
  const initial = items.find((entry) => entry.id === selected) || items[0];
  const fallback = items.find((entry) => !entry.when) || items[0];
  if (initial.when) initial.when.then((available) => { if (!closed) show(available ? initial.id : fallback.id); });
  else show(initial.id);
  return () => { closed = true; if (cleanup) cleanup(); };
}

/** A side-menu entry indented below the one before it. */
export const subItem = (id, label, render) => ({ id, label, render, sub: true });

/** A titled box of key/value rows, as on Proxmox's summary pages. */
export function infoBox(title, rows) {
  return h('section', { class: 'info-box' }, h('h2', {}, title),
    h('dl', {}, rows.filter(Boolean).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? '')])));
}

/** A usage bar with a label and `used / total`, or `text` when given (`12.0 % of 2 CPU(s)`). */
export function usageBar(label, used, total, format, { text } = {}) {
  const fraction = total ? Math.min(1, used / total) : 0;
  const figures = text ?? (total ? `${format(used)} / ${format(total)}` : format(used));
  return h('div', { class: 'usage' },
    h('div', { class: 'usage-label' }, h('span', {}, label), h('span', { class: 'usage-text' }, figures)),
    h('div', { class: 'usage-bar', role: 'progressbar', 'aria-label': label, 'aria-valuenow': String(Math.round(fraction * 100)),
      'aria-valuemin': '0', 'aria-valuemax': '100' },
    h('div', { class: `usage-fill ${fraction > 0.9 ? 'high' : ''}`, style: `width:${(fraction * 100).toFixed(1)}%` })));
}

/** A toolbar with buttons; `needsSelection` buttons are enabled only with a selection. */
export function toolbar(buttons) {
  return h('div', { class: 'toolbar' }, buttons);
}
