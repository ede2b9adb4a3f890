// The header: product and version, the search field, Documentation, and the user menu
// (theme, language, change password, logout). On a phone the menu button shows the tree.
import * as api from './api.js';
import * as resources from './resources.js';
import { formDialog, showError } from './dialog.js';
import { h, clear, tagChips } from './dom.js';
import { t, languages, language, setLanguage } from './i18n.js';
import { createCT } from './wizards/create-ct.js';
import { createVM } from './wizards/create-vm.js';
import { addTOTP } from './panels/access-tfa.js';

const maxResults = 100;

export function applyTheme(theme = localStorage.getItem('faro-theme') || 'auto') {
  document.documentElement.dataset.theme = theme;
}

export function renderHeader(container, { onOpen, onToggleTree, defaultNode }) {
  const version = h('span', { class: 'version' });
  api.get('/version').then((data) => { version.textContent = `${data.faro} (${t('API')} ${data.version})`; }).catch(() => {});
  const search = searchField(onOpen);
  const user = api.currentUser();
  const menu = userMenu(user);
  clear(container).append(
    h('button', { type: 'button', class: 'tree-toggle', 'aria-label': t('Resources'), onclick: onToggleTree }, '☰'),
    h('div', { class: 'brand' }, h('span', { class: 'product' }, 'Faro'), version),
    search,
    h('div', { class: 'header-actions' },
      h('a', { class: 'button', href: '/docs.html', target: '_blank', rel: 'noopener' }, t('Documentation')),
      createButton('header-create-vm', t('Create VM'), t('VM'), () => createVM(defaultNode())),
      createButton('header-create-ct', t('Create CT'), t('CT'), () => createCT(defaultNode())),
      menu));
}

/**
 * As in Proxmox, creating guests needs VM.Allocate on /vms (the ticket's capability map).
 * A phone shows the short label.
 */
function createButton(id, label, short, open) {
  const allowed = Boolean(api.capabilities().vms?.['VM.Allocate']);
  return h('button', {
    type: 'button', class: 'primary create-button', id, 'aria-label': label, disabled: allowed ? null : true,
    onclick: () => open().catch(showError),
  }, h('span', { class: 'long-label' }, label), h('span', { class: 'short-label', 'aria-hidden': 'true' }, `+ ${short}`));
}

function matches(entry, words) {
  const text = [entry.id, entry.type, entry.name, entry.vmid, entry.node, entry.pool, entry.storage, entry.tags]
    .filter((value) => value !== undefined).join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

function searchField(onOpen) {
  const input = h('input', {
    type: 'search', id: 'header-search', class: 'search', placeholder: t('Search'), 'aria-label': t('Search'),
    role: 'combobox', 'aria-controls': 'search-results', 'aria-expanded': 'false', autocomplete: 'off',
  });
  const list = h('ul', { id: 'search-results', class: 'search-results', role: 'listbox', hidden: true });
  let results = [];
  let cursor = -1;
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); };
  const choose = (entry) => { close(); input.value = ''; onOpen(entry.id); };
  const paint = () => {
    list.replaceChildren(...results.map((entry, index) => h('li', {
      role: 'option', id: `search-result-${index}`, class: index === cursor ? 'active' : '', 'aria-selected': String(index === cursor),
      onmousedown: (event) => { event.preventDefault(); choose(entry); },
    }, h('span', { class: 'result-type' }, t(entry.type)), h('span', { class: 'result-name' }, resources.describe(entry)),
    h('span', { class: 'result-node' }, entry.node || ''), h('span', { class: 'tags' }, tagChips(entry.tags)))));
    if (cursor >= 0) input.setAttribute('aria-activedescendant', `search-result-${cursor}`);
  };
  input.addEventListener('input', () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { close(); return; }
    results = [];
    for (const entry of resources.all()) {
      if (matches(entry, words)) results.push(entry);
      if (results.length >= maxResults) break;
    }
    cursor = results.length ? 0 : -1;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (!results.length) list.replaceChildren(h('li', { class: 'empty' }, t('No matches')));
    else paint();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!results.length) return;
      cursor = (cursor + (event.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length;
      paint();
    } else if (event.key === 'Enter' && cursor >= 0 && results[cursor]) {
      event.preventDefault();
      choose(results[cursor]);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return h('div', { class: 'search-box' }, input, list);
}

function userMenu(user) {
  const button = h('button', { type: 'button', id: 'user-menu-button', 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, user, ' ▾');
  const item = (label, id, action) => h('button', { type: 'button', role: 'menuitem', id, onclick: () => { hide(); action(); } }, label);
  const themes = [['light', t('Light')], ['dark', t('Dark')], ['auto', t('Automatic')]];
  const themeItems = themes.map(([value]) => item('', `theme-${value}`, () => {
    localStorage.setItem('faro-theme', value);
    applyTheme(value);
    markTheme();
  }));
  const markTheme = () => {
    const theme = localStorage.getItem('faro-theme') || 'auto';
    themes.forEach(([value, label], index) => {
      themeItems[index].textContent = `${value === theme ? '● ' : '○ '}${t('Theme')}: ${label}`;
    });
  };
  markTheme();
  const languageItems = languages.map(([code, name]) =>
    item(`${code === language() ? '● ' : '○ '}${name}`, `language-${code}`, () => setLanguage(code)));
  const menu = h('div', { class: 'menu', role: 'menu', hidden: true },
    themeItems, h('hr'), languageItems, h('hr'),
    item(t('Password'), 'menu-password', () => changePassword(user)),
    item(t('TFA'), 'menu-tfa', () => addTOTP(user)),
    item(t('Logout'), 'menu-logout', () => api.endSession()));
  function hide() { menu.hidden = true; button.setAttribute('aria-expanded', 'false'); }
  button.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
    button.setAttribute('aria-expanded', String(!menu.hidden));
    if (!menu.hidden) menu.querySelector('button').focus();
  });
  menu.addEventListener('keydown', (event) => {
    const items = [...menu.querySelectorAll('button')];
    const index = items.indexOf(document.activeElement);
    if (event.key === 'Escape') { hide(); button.focus(); }
    if (event.key === 'ArrowDown') { event.preventDefault(); items[(index + 1) % items.length].focus(); }
    if (event.key === 'ArrowUp') { event.preventDefault(); items[(index - 1 + items.length) % items.length].focus(); }
  });
  document.addEventListener('click', (event) => { if (!menu.contains(event.target) && event.target !== button) hide(); });
  return h('div', { class: 'user-menu' }, button, menu);
}

function changePassword(user) {
  formDialog({
    title: t('Change Password'),
    fields: [
      { name: 'confirmation-password', label: t('Your current password'), type: 'password', required: true, autocomplete: 'current-password' },
      { name: 'password', label: t('New password'), type: 'password', required: true, autocomplete: 'new-password' },
      { name: 'confirm', label: t('Confirm password'), type: 'password', required: true, autocomplete: 'new-password' },
    ],
    onSubmit: async (values) => {
      if (values.password !== values.confirm) throw new api.APIError(400, t('Passwords do not match'), { confirm: t('Passwords do not match') });
      await api.put('/access/password', { userid: user, password: values.password, 'confirmation-password': values['confirmation-password'] });
    },
  });
}
