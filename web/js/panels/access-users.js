// Datacenter → Permissions → Users and API Tokens.
import * as api from '../api.js';
import { formDialog, openWindow } from '../dialog.js';
import { h, formatTime } from '../dom.js';
import { t } from '../i18n.js';
import { crudList, yesNo } from './crud.js';

const path = (userid) => `/access/users/${encodeURIComponent(userid)}`;
const expiry = (value) => (Number(value) ? formatTime(Number(value)) : t('never'));
const toEpoch = (date) => (date ? Math.floor(new Date(`${date}T00:00:00`).getTime() / 1000) : 0);
const toDate = (epoch) => (Number(epoch) ? new Date(epoch * 1000).toISOString().slice(0, 10) : '');

async function realmOptions() {
  const domains = await api.get('/access/domains');
  return domains.map((domain) => [domain.realm, t(domain.comment || domain.realm)]);
}

/** The groups to choose from, as [groupid, groupid] pairs (empty when the user may not list them). */
async function groupOptions() {
  const groups = await api.get('/access/groups').catch(() => []);
  return groups.map((group) => [group.groupid, group.groupid]).sort((a, b) => a[0].localeCompare(b[0]));
}

function userFields(user, realms, groups) {
  const fields = [];
  if (!user) {
    fields.push({ name: 'name', label: t('User name'), required: true });
    fields.push({ name: 'realm', label: t('Realm'), type: 'select', options: realms, value: 'pve' });
    fields.push({ name: 'password', label: t('Password'), type: 'password', autocomplete: 'new-password' });
    fields.push({ name: 'confirm', label: t('Confirm password'), type: 'password', autocomplete: 'new-password',
      validate: (confirm, values) => (confirm !== values.password ? t('Passwords do not match') : null) });
  }
  const current = user ? (Array.isArray(user.groups) ? user.groups.join(',') : user.groups || '') : '';
  return fields.concat([
    { name: 'groups', label: t('Group'), type: 'multiselect', options: groups, value: current },
    { name: 'expire', label: t('Expire'), type: 'date', value: user ? toDate(user.expire) : '' },
    { name: 'enable', label: t('Enabled'), type: 'checkbox', value: user ? Number(user.enable ?? 1) === 1 : true },
    { name: 'firstname', label: t('First Name'), value: user?.firstname },
    { name: 'lastname', label: t('Last Name'), value: user?.lastname },
    { name: 'email', label: t('E-Mail'), value: user?.email },
    { name: 'comment', label: t('Comment'), value: user?.comment },
  ]);
}

/** On create, empty fields are left out; on edit they clear the setting. */
function userParameters(values, creating = false) {
  const parameters = {
    groups: values.groups, expire: toEpoch(values.expire), enable: values.enable,
    firstname: values.firstname, lastname: values.lastname, email: values.email, comment: values.comment,
  };
  if (creating) for (const key of Object.keys(parameters)) if (parameters[key] === '') delete parameters[key];
  return parameters;
}

export function usersView(host) {
  crudList(host, {
    label: 'users', rowKey: (user) => user.userid, load: () => api.get('/access/users', { full: 1 }),
    columns: [
      { key: 'userid', label: t('User name'), width: '1.3fr' },
      { key: 'realm', label: t('Realm'), width: '90px', value: (user) => user.userid.split('@').pop() },
      { key: 'enable', label: t('Enabled'), width: '80px', render: (user) => yesNo(user.enable ?? 1) },
      { key: 'expire', label: t('Expire'), width: '150px', render: (user) => expiry(user.expire) },
      { key: 'name', label: t('Name'), value: (user) => [user.firstname, user.lastname].filter(Boolean).join(' ') },
      { key: 'email', label: t('E-Mail') },
      { key: 'comment', label: t('Comment') },
    ],
    add: async (reload) => formDialog({
      title: t('Add: User'), fields: userFields(null, await realmOptions(), await groupOptions()),
      onSubmit: async (values) => {
        if (values.password && values.password !== values.confirm) {
          throw new api.APIError(400, t('Passwords do not match'), { confirm: t('Passwords do not match') });
        }
        const parameters = { userid: `${values.name}@${values.realm}`, ...userParameters(values, true) };
        if (values.password) parameters.password = values.password;
        await api.post('/access/users', parameters);
        reload();
      },
    }),
    edit: async (user, reload) => formDialog({
      title: t('Edit: User {0}', user.userid), fields: userFields(await api.get(path(user.userid)), [], await groupOptions()),
      onSubmit: async (values) => { await api.put(path(user.userid), userParameters(values)); reload(); },
    }),
    remove: (user) => api.del(path(user.userid)),
    describe: (user) => user.userid,
  });
}

export function tokensView(host) {
  crudList(host, {
    label: 'tokens', rowKey: (token) => token.full,
    load: async () => (await api.get('/access/users', { full: 1 })).flatMap((user) =>
      (user.tokens || []).map((token) => ({ ...token, userid: user.userid, full: `${user.userid}!${token.tokenid}` }))),
    columns: [
      { key: 'userid', label: t('User name') },
      { key: 'tokenid', label: t('Token Name') },
      { key: 'expire', label: t('Expire'), width: '150px', render: (token) => expiry(token.expire) },
      { key: 'privsep', label: t('Privilege Separation'), width: '160px', render: (token) => yesNo(token.privsep ?? 1) },
      { key: 'comment', label: t('Comment') },
    ],
    add: async (reload) => {
      const users = (await api.get('/access/users')).map((user) => [user.userid]);
      formDialog({
        title: t('Add: Token'),
        fields: [
          { name: 'userid', label: t('User'), type: 'select', options: users, value: api.currentUser() },
          { name: 'tokenid', label: t('Token ID'), required: true },
          { name: 'privsep', label: t('Privilege Separation'), type: 'checkbox', value: true },
          { name: 'expire', label: t('Expire'), type: 'date' },
          { name: 'comment', label: t('Comment') },
        ],
        onSubmit: async (values) => {
          const result = await api.post(`${path(values.userid)}/token/${encodeURIComponent(values.tokenid)}`, {
            privsep: values.privsep, expire: toEpoch(values.expire), comment: values.comment,
          });
          reload();
          showSecret(result);
        },
      });
    },
    remove: (token) => api.del(`${path(token.userid)}/token/${encodeURIComponent(token.tokenid)}`),
    describe: (token) => token.full,
  });
}

function showSecret(result) {
  const win = openWindow(t('Token Secret'));
  win.body.append(
    h('p', {}, t('Please record the API token secret - it will only be displayed now')),
    h('dl', { class: 'secret' }, h('dt', {}, t('Token ID')), h('dd', { id: 'token-full-id' }, result['full-tokenid']),
      h('dt', {}, t('Secret')), h('dd', { id: 'token-secret' }, result.value)));
  win.footer.append(h('button', { type: 'button', class: 'primary', onclick: win.close }, t('OK')));
}
