// Datacenter → Permissions → Two Factor: every user's second factors the caller may see, with
// dialogs to add TOTP (secret, QR code from Debian's qrcode-generator, a current code to
// confirm), recovery keys (shown once) and WebAuthn keys; remove an entry; unlock a user.
// Changes by anyone but root@pam ask for the caller's password, as Proxmox's API does.
import * as api from '../api.js';
import { formDialog, openWindow, showError } from '../dialog.js';
import { h, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { webauthnCreate } from '../webauthn.js';
import { crudList, yesNo } from './crud.js';

const tfaPath = (userid, id) => `/access/tfa/${encodeURIComponent(userid)}${id ? '/' + encodeURIComponent(id) : ''}`;
const needsPassword = () => api.currentUser() !== 'root@pam';
const passwordField = () => (needsPassword()
  ? [{ name: 'password', label: t('Your password'), type: 'password', required: true }] : []);

export function tfaView(host) {
  crudList(host, {
    label: 'tfa', rowKey: (row) => `${row.userid}/${row.id}`,
    load: async () => (await api.get('/access/tfa')).flatMap((user) => user.entries.map((entry) => ({
      ...entry, userid: user.userid,
      locked: user['totp-locked'] || (user['tfa-locked-until'] || 0) > Date.now() / 1000,
    }))),
    columns: [
      { key: 'userid', label: t('User') },
      { key: 'type', label: t('Type'), width: '110px' },
      { key: 'description', label: t('Description') },
      { key: 'created', label: t('Created'), width: '170px', render: (row) => formatTime(row.created) },
      { key: 'enable', label: t('Enabled'), width: '90px', render: (row) => yesNo(row.enable ?? 1) },
      { key: 'locked', label: t('Locked'), width: '90px', render: (row) => yesNo(row.locked ? 1 : 0) },
    ],
    buttons: [
      { id: 'add-totp', label: t('Add TOTP'), needsSelection: false, action: (_, reload) => addTOTP(api.currentUser(), reload) },
      { id: 'add-webauthn', label: t('Add WebAuthn'), needsSelection: false, action: (_, reload) => addWebAuthn(api.currentUser(), reload) },
      { id: 'add-recovery', label: t('Add Recovery Keys'), needsSelection: false, action: (_, reload) => addRecovery(api.currentUser(), reload) },
      { id: 'unlock', label: t('Unlock'), action: async (row, reload) => {
        try { await api.put(`/access/users/${encodeURIComponent(row.userid)}/unlock-tfa`); } catch (failure) { showError(failure); }
        reload();
      } },
      { id: 'delete', label: t('Remove'), action: (row, reload) => removeEntry(row, reload) },
    ],
  });
}

function removeEntry(row, reload) {
  formDialog({
    title: t('Remove: {0}', `${row.userid} ${row.type} ${row.description || row.id}`),
    fields: passwordField(), submitLabel: t('Remove'),
    onSubmit: async (values) => { await api.del(tfaPath(row.userid, row.id), values); reload(); },
  });
}

/** A random base32 secret of 160 bits, as authenticator apps expect. */
function randomSecret() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => alphabet[byte % 32]).join('');
}

/** Loads Debian's qrcode-generator (a classic script defining `qrcode`) once. */
let qrLibrary;
function loadQRCode() {
  qrLibrary ||= new Promise((resolve, reject) => {
    const script = h('script', { src: '/qrcode/qrcode.js' });
    script.addEventListener('load', () => resolve(window.qrcode));
    script.addEventListener('error', () => reject(new Error(t('The QR code library is not installed'))));
    document.head.append(script);
  });
  return qrLibrary;
}

export function addTOTP(userid, reload) {
  const totpURI = (values) => `otpauth://totp/${encodeURIComponent(values.issuer || 'Faro')}:${encodeURIComponent(userid)}`
    + `?secret=${values.secret}&issuer=${encodeURIComponent(values.issuer || 'Faro')}&digits=6&period=30&algorithm=SHA1`;
  const qr = h('div', { class: 'tfa-qr', id: 'tfa-qr' });
  const win = formDialog({
    title: t('Add a TOTP login factor'), className: 'tfa-window',
    intro: h('p', {}, t('Scan the QR code with a TOTP app, then enter the current code to confirm.')),
    fields: [
      { name: 'description', label: t('Description'), required: true },
      { name: 'secret', label: t('Secret'), value: randomSecret(), required: true },
      { name: 'issuer', label: t('Issuer Name'), value: 'Faro' },
      { name: 'value', label: t('Verify Code'), required: true },
      ...passwordField(),
    ],
    onSubmit: async (values) => {
      const result = await api.post(tfaPath(userid), {
        type: 'totp', description: values.description, totp: totpURI(values), value: values.value, password: values.password,
      });
      if (reload) reload();
      return result;
    },
  });
  win.rows.find((row) => row.field.name === 'issuer').row.after(qr);
  const draw = async () => {
    const secret = win.rows.find((row) => row.field.name === 'secret').input.value.trim().toUpperCase();
    const issuer = win.rows.find((row) => row.field.name === 'issuer').input.value.trim();
    try {
      const code = (await loadQRCode())(0, 'M');
      code.addData(totpURI({ secret, issuer }));
      code.make();
      qr.innerHTML = code.createSvgTag(4, 8);
      qr.dataset.uri = totpURI({ secret, issuer });
    } catch (failure) {
      qr.textContent = failure.message;
    }
  };
  for (const name of ['secret', 'issuer']) win.rows.find((row) => row.field.name === name).input.addEventListener('input', draw);
  draw();
}

export function addRecovery(userid, reload) {
  formDialog({
    title: t('Add Recovery Keys'), fields: passwordField(), submitLabel: t('Add'),
    onSubmit: async (values) => {
      const result = await api.post(tfaPath(userid), { type: 'recovery', password: values.password });
      if (reload) reload();
      const win = openWindow(t('Recovery Keys'));
      win.body.append(h('p', {}, t('Please record the recovery keys - they will only be displayed now')),
        h('pre', { id: 'tfa-recovery-keys', class: 'secret' }, result.recovery.join('\n')));
      win.footer.append(h('button', { type: 'button', class: 'primary', onclick: win.close }, t('OK')));
    },
  });
}

export function addWebAuthn(userid, reload) {
  formDialog({
    title: t('Add a WebAuthn login factor'),
    fields: [{ name: 'description', label: t('Description'), required: true }, ...passwordField()],
    submitLabel: t('Register Security Key'),
    onSubmit: async (values) => {
      const first = await api.post(tfaPath(userid), { type: 'webauthn', description: values.description, password: values.password });
      const answer = await webauthnCreate(JSON.parse(first.challenge));
      await api.post(tfaPath(userid), {
        type: 'webauthn', description: values.description, password: values.password,
        challenge: first.challenge, value: JSON.stringify(answer),
      });
      if (reload) reload();
    },
  });
}
