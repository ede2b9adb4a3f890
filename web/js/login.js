// The login window: user name, password, realm (from GET /access/domains, which needs no
// login), language and "remember user name". Errors stay in the window. A user with second
// factors then answers the challenge of the half ticket (secondFactor).
import * as api from './api.js';
import { h } from './dom.js';
import { t, languages, language, setLanguage } from './i18n.js';
import { secondFactor } from './login-tfa.js';

export async function showLogin(onLoggedIn) {
  const remembered = localStorage.getItem('faro-remembered-user') || '';
  const [user, realmFromName] = remembered.includes('@') ? remembered.split(/@(?=[^@]*$)/) : [remembered, null];
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', value: user, required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const realm = h('select', { id: 'login-realm', name: 'realm' });
  const lang = h('select', { id: 'login-language', name: 'language', onchange: () => setLanguage(lang.value) },
    languages.map(([code, name]) => h('option', { value: code }, name)));
  lang.value = language();
  const remember = h('input', { id: 'login-remember', type: 'checkbox', checked: Boolean(remembered) });
  const error = h('div', { class: 'form-error', id: 'login-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, t('Login'));
  const row = (label, input) => h('div', { class: 'form-row' }, h('label', { for: input.id }, label), input);
  const form = h('form', { class: 'form login-form', novalidate: true },
    row(t('User name'), username), row(t('Password'), password), row(t('Realm'), realm), row(t('Language'), lang),
    h('div', { class: 'form-row check' }, h('label', { for: remember.id }, t('Save User name')), remember),
    error, h('div', { class: 'window-footer' }, submit));
  const element = h('div', { class: 'backdrop login-backdrop' },
    h('div', { class: 'window login-window', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'login-title' },
      h('div', { class: 'window-title' }, h('span', { id: 'login-title' }, t('Faro Login'))),
      h('div', { class: 'window-body' }, form)));
  document.getElementById('overlay').append(element);
  (user ? password : username).focus();

  try {
    const domains = await api.get('/access/domains');
    domains.sort((a, b) => (b.default ? 1 : 0) - (a.default ? 1 : 0) || a.realm.localeCompare(b.realm));
    realm.replaceChildren(...domains.map((domain) => h('option', { value: domain.realm }, t(domain.comment || domain.realm))));
    const preferred = realmFromName || (domains.find((domain) => domain.default) || domains[0] || {}).realm;
    if (preferred) realm.value = preferred;
  } catch (failure) {
    showError(failure.message);
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      showError(t('Please enter user name and password'));
      return;
    }
    submit.disabled = true;
    try {
      let data = await api.login(username.value.trim(), password.value, realm.value);
      if (data.NeedTFA) {
        form.hidden = true;
        data = await secondFactor(form.parentElement, data);
      }
      if (remember.checked) localStorage.setItem('faro-remembered-user', data.username);
      else localStorage.removeItem('faro-remembered-user');
      element.remove();
      onLoggedIn(data);
    } catch (failure) {
      form.hidden = false;
      password.value = '';
      password.focus();
      showError(failure.status === 401 ? t('Login failed. Please try again') : failure.message);
    } finally {
      submit.disabled = false;
    }
  });
}
