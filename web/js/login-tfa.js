// The second login step: the half ticket's challenge says what the user has (TOTP, recovery
// keys, WebAuthn); the user answers with a code, a recovery key or the security key. Resolves
// with the full login, rejects (back to the password form) after a refused answer.
import * as api from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { webauthnGet } from './webauthn.js';

export function secondFactor(body, first) {
  const challenge = api.tfaChallenge(first.ticket);
  return new Promise((resolve, reject) => {
    const error = h('div', { class: 'form-error', id: 'tfa-error', role: 'alert', hidden: true });
    const kinds = [];
    if (challenge.totp) kinds.push(['totp', t('TOTP App'), h('input', { id: 'tfa-totp', autocomplete: 'one-time-code', inputmode: 'numeric' })]);
    if (challenge.recovery && challenge.recovery.length) {
      kinds.push(['recovery', t('Recovery Key'), h('input', { id: 'tfa-recovery', autocomplete: 'off', placeholder: 'xxxx-xxxx-xxxx-xxxx' })]);
    }
    const kind = h('select', { id: 'tfa-kind' }, kinds.map(([value, label]) => h('option', { value }, label)));
    const rows = kinds.map(([value, label, input]) =>
      h('div', { class: 'form-row', 'data-kind': value }, h('label', { for: input.id }, label), input));
    const show = () => rows.forEach((row) => { row.hidden = row.dataset.kind !== kind.value; });
    kind.addEventListener('change', show);
    const submit = h('button', { type: 'submit', class: 'primary', id: 'tfa-submit' }, t('Confirm Second Factor'));
    const webauthnButton = challenge.webauthn
      ? h('button', { type: 'button', id: 'tfa-webauthn', onclick: useSecurityKey }, t('Use security key (WebAuthn)')) : null;
    const form = h('form', { class: 'form tfa-form', novalidate: true },
      h('p', {}, t('Second login factor required')),
      kinds.length > 1 ? h('div', { class: 'form-row' }, h('label', { for: kind.id }, t('Type')), kind) : null,
      rows, error, h('div', { class: 'window-footer' }, webauthnButton, kinds.length ? submit : null));
    body.append(form);
    show();
    if (rows.length) rows[0].querySelector('input').focus();

    async function answer(response) {
      error.hidden = true;
      submit.disabled = true;
      try {
        const data = await api.completeLogin(first.username, first.ticket, response);
        form.remove();
        resolve(data);
      } catch (failure) {
        form.remove();
        reject(failure);
      }
    }
    async function useSecurityKey() {
      try {
        answer('webauthn:' + JSON.stringify(await webauthnGet(challenge.webauthn)));
      } catch (failure) {
        error.textContent = failure.message || String(failure);
        error.hidden = false;
      }
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const input = rows.find((row) => !row.hidden)?.querySelector('input');
      if (!input || !input.value.trim()) {
        error.textContent = t('Please enter the code');
        error.hidden = false;
        return;
      }
      answer(`${kind.value}:${input.value.trim()}`);
    });
  });
}
