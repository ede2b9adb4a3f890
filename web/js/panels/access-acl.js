// Datacenter → Permissions (the ACL), Groups, Roles and Realms.
import * as api from '../api.js';
import { formDialog } from '../dialog.js';
import { t } from '../i18n.js';
import { crudList, yesNo } from './crud.js';

const memberParameter = { user: 'users', group: 'groups', token: 'tokens' };

async function memberOptions(type) {
  if (type === 'group') return (await api.get('/access/groups')).map((group) => [group.groupid]);
  const users = await api.get('/access/users', { full: 1 });
  if (type === 'user') return users.map((user) => [user.userid]);
  return users.flatMap((user) => (user.tokens || []).map((token) => [`${user.userid}!${token.tokenid}`]));
}

async function addPermission(type, reload, path = '/') {
  const [members, roles] = await Promise.all([memberOptions(type), api.get('/access/roles')]);
  const titles = { user: t('Add: User Permission'), group: t('Add: Group Permission'), token: t('Add: API Token Permission') };
  const labels = { user: t('User'), group: t('Group'), token: t('API Token') };
  formDialog({
    title: titles[type],
    fields: [
      { name: 'path', label: t('Path'), value: path, required: true },
      { name: 'member', label: labels[type], type: 'select', options: members },
      { name: 'roles', label: t('Role'), type: 'select', options: roles.map((role) => [role.roleid]).sort(), value: 'PVEAuditor' },
      { name: 'propagate', label: t('Propagate'), type: 'checkbox', value: true },
    ],
    onSubmit: async (values) => {
      await api.put('/access/acl', { path: values.path, roles: values.roles, propagate: values.propagate, [memberParameter[type]]: values.member });
      reload();
    },
  });
}

/** The ACL list; with `path`, only the entries on that path (a pool's Permissions). */
export function aclView(host, { path } = {}) {
  crudList(host, {
    label: 'acl', rowKey: (entry) => `${entry.path} ${entry.type} ${entry.ugid} ${entry.roleid}`,
    load: async () => (await api.get('/access/acl')).filter((entry) => !path || entry.path === path),
    columns: [
      { key: 'path', label: t('Path') },
      { key: 'ugid', label: t('User/Group/API Token') },
      { key: 'type', label: t('Type'), width: '90px', render: (entry) => t(entry.type) },
      { key: 'roleid', label: t('Role') },
      { key: 'propagate', label: t('Propagate'), width: '100px', render: (entry) => yesNo(entry.propagate) },
    ],
    buttons: ['user', 'group', 'token'].map((type) => ({
      id: `add-${type}`, needsSelection: false,
      label: { user: t('Add: User Permission'), group: t('Add: Group Permission'), token: t('Add: API Token Permission') }[type],
      action: (_, reload) => addPermission(type, reload, path || '/'),
    })),
    remove: (entry) => api.put('/access/acl', {
      path: entry.path, roles: entry.roleid, delete: 1, [memberParameter[entry.type]]: entry.ugid,
    }),
    describe: (entry) => `${entry.path} ${entry.ugid} ${entry.roleid}`,
  });
}

export function groupsView(host) {
  crudList(host, {
    label: 'groups', rowKey: (group) => group.groupid, load: () => api.get('/access/groups'),
    columns: [
      { key: 'groupid', label: t('Name') },
      { key: 'comment', label: t('Comment') },
      { key: 'users', label: t('Users'), width: '2fr' },
    ],
    add: (reload) => formDialog({
      title: t('Add: Group'),
      fields: [{ name: 'groupid', label: t('Name'), required: true }, { name: 'comment', label: t('Comment') }],
      onSubmit: async (values) => { await api.post('/access/groups', values); reload(); },
    }),
    edit: (group, reload) => formDialog({
      title: t('Edit: Group {0}', group.groupid), fields: [{ name: 'comment', label: t('Comment'), value: group.comment }],
      onSubmit: async (values) => { await api.put(`/access/groups/${encodeURIComponent(group.groupid)}`, values); reload(); },
    }),
    remove: (group) => api.del(`/access/groups/${encodeURIComponent(group.groupid)}`),
    describe: (group) => group.groupid,
  });
}

export function rolesView(host) {
  crudList(host, {
    label: 'roles', rowKey: (role) => role.roleid,
    load: async () => (await api.get('/access/roles')).sort((a, b) => a.roleid.localeCompare(b.roleid)),
    columns: [
      { key: 'roleid', label: t('Name'), width: '200px' },
      { key: 'special', label: t('Built-In'), width: '90px', render: (role) => yesNo(role.special ?? 0) },
      { key: 'privs', label: t('Privileges'), width: '4fr' },
    ],
    add: (reload) => formDialog({
      title: t('Add: Role'),
      fields: [{ name: 'roleid', label: t('Name'), required: true }, { name: 'privs', label: t('Privileges'), placeholder: 'VM.Audit,Sys.Audit' }],
      onSubmit: async (values) => { await api.post('/access/roles', values); reload(); },
    }),
    edit: (role, reload) => formDialog({
      title: t('Edit: Role {0}', role.roleid),
      fields: [{ name: 'privs', label: t('Privileges'), value: role.privs, disabled: Number(role.special) === 1 }],
      onSubmit: async (values) => { await api.put(`/access/roles/${encodeURIComponent(role.roleid)}`, values); reload(); },
    }),
    remove: (role) => api.del(`/access/roles/${encodeURIComponent(role.roleid)}`),
    describe: (role) => role.roleid,
  });
}

export function realmsView(host) {
  crudList(host, {
    label: 'realms', rowKey: (realm) => realm.realm, load: () => api.get('/access/domains'),
    columns: [
      { key: 'realm', label: t('Realm'), width: '140px' },
      { key: 'type', label: t('Type'), width: '100px' },
      { key: 'default', label: t('Default'), width: '90px', render: (realm) => yesNo(realm.default ?? 0) },
      { key: 'comment', label: t('Comment'), width: '3fr', render: (realm) => t(realm.comment || '') },
    ],
    edit: (realm, reload) => formDialog({
      title: t('Edit: Realm {0}', realm.realm),
      fields: [
        { name: 'comment', label: t('Comment'), value: realm.comment },
        { name: 'default', label: t('Default'), type: 'checkbox', value: Number(realm.default) === 1 },
      ],
      onSubmit: async (values) => { await api.put(`/access/domains/${encodeURIComponent(realm.realm)}`, values); reload(); },
    }),
  });
}
