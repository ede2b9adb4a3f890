// The central panel: a title bar and the side menu Proxmox has for each kind of object.
// The chosen entry is part of the location hash, so a reload shows the same view.
import { h, icon, clear } from './dom.js';

/**
 * items: [{ id, label, render(host), when, sub }]; `sub` indents an entry below the one before
 * it (Datacenter → Permissions → Users). render may return a cleanup function that runs
 * when another entry or another object is shown. An entry with `when` (a promise of a
 * boolean, e.g. whether the API serves it) appears once that resolves to true.
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

  show(selected);
  return () => { if (cleanup) cleanup(); };
}

/** A side-menu entry indented below the one before it. */
export const subItem = (id, label, render) => ({ id, label, render, sub: true });

/** A titled box of key/value rows, as on Proxmox's summary pages. */
export function infoBox(title, rows) {
  return h('section', { class: 'info-box' }, h('h2', {}, title),
    h('dl', {}, rows.filter(Boolean).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? '')])));
}

/** A usage bar with a label: `used of total (percent)`. */
export function usageBar(label, used, total, format) {
  const fraction = total ? Math.min(1, used / total) : 0;
  return h('div', { class: 'usage' },
    h('div', { class: 'usage-label' }, h('span', {}, label), h('span', {}, total ? `${format(used)} / ${format(total)}` : format(used))),
    h('div', { class: 'usage-bar', role: 'progressbar', 'aria-label': label, 'aria-valuenow': String(Math.round(fraction * 100)),
      'aria-valuemin': '0', 'aria-valuemax': '100' },
    h('div', { class: `usage-fill ${fraction > 0.9 ? 'high' : ''}`, style: `width:${(fraction * 100).toFixed(1)}%` })));
}

/** A toolbar with buttons; `needsSelection` buttons are enabled only with a selection. */
export function toolbar(buttons) {
  return h('div', { class: 'toolbar' }, buttons);
}
