// Pop-up menus: the tree's context menu and the drop-down buttons of toolbars ("Add ▾").
// Arrow keys move, Enter chooses, Escape or a click elsewhere closes, focus returns.
import { h } from './dom.js';

let current = null;

export function closeMenu() {
  if (current) current();
}

/** items: [{ id, label, enabled = true, run }]; shown at the page position (x, y). */
export function openMenu(items, { x, y, label = '' }) {
  closeMenu();
  const previous = document.activeElement;
  const buttons = items.map((item) => h('button', {
    type: 'button', role: 'menuitem', id: `menu-${item.id}`, disabled: item.enabled === false ? true : null,
    onclick: () => { close(); item.run(); },
  }, item.label));
  const menu = h('div', { class: 'menu popup-menu', role: 'menu', 'aria-label': label, onkeydown: keydown }, buttons);
  document.getElementById('overlay').append(menu);
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  menu.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 4))}px`;
  menu.style.top = `${Math.max(0, Math.min(y, window.innerHeight - height - 4))}px`;
  const outside = (event) => { if (!menu.contains(event.target)) close(); };
  setTimeout(() => document.addEventListener('mousedown', outside), 0);
  const enabled = () => buttons.filter((button) => !button.disabled);
  (enabled()[0] || menu).focus();

  function close() {
    document.removeEventListener('mousedown', outside);
    menu.remove();
    current = null;
    if (previous && previous.focus && document.contains(previous)) previous.focus();
  }

  function keydown(event) {
    const choices = enabled();
    const index = choices.indexOf(document.activeElement);
    if (event.key === 'Escape' || event.key === 'Tab') { event.preventDefault(); close(); return; }
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!step || choices.length === 0) return;
    event.preventDefault();
    choices[(index + step + choices.length) % choices.length].focus();
  }

  current = close;
  return close;
}

/** A toolbar button that opens a menu below itself. `items()` may be async. */
export function menuButton(label, id, items) {
  const button = h('button', { type: 'button', id, 'aria-haspopup': 'menu' }, label, ' ▾');
  button.addEventListener('click', async () => {
    const rect = button.getBoundingClientRect();
    openMenu(await items(), { x: rect.left, y: rect.bottom + 2, label });
  });
  return button;
}
