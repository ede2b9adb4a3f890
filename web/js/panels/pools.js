// Pools: the Datacenter's list (add, edit comment, remove) and a pool's own panel
// (Summary, Members, Permissions).
import * as api from '../api.js';
import { formDialog, showError } from '../dialog.js';
import { h, formatBytes, formatPercent } from '../dom.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';
import { renderPanel, infoBox } from '../panel.js';
import { aclView } from './access-acl.js';
import { crudList } from './crud.js';

export function poolsView(host) {
  crudList(host, {
    label: 'pools', rowKey: (pool) => pool.poolid, load: () => api.get('/pools'),
    columns: [{ key: 'poolid', label: t('Name') }, { key: 'comment', label: t('Comment'), width: '3fr' }],
    add: (reload) => formDialog({
      title: t('Add: Pool'),
      fields: [{ name: 'poolid', label: t('Name'), required: true }, { name: 'comment', label: t('Comment') }],
      onSubmit: async (values) => { await api.post('/pools', values); reload(); },
    }),
    edit: (pool, reload) => formDialog({
      title: t('Edit: Pool {0}', pool.poolid), fields: [{ name: 'comment', label: t('Comment'), value: pool.comment }],
      onSubmit: async (values) => { await api.put('/pools', { poolid: pool.poolid, comment: values.comment }); reload(); },
    }),
    remove: (pool) => api.del('/pools', { poolid: pool.poolid }),
    describe: (pool) => pool.poolid,
  });
}

function summary(host, poolid) {
  const box = h('div', { class: 'summary' });
  host.append(box);
  api.get(`/pools/${encodeURIComponent(poolid)}`).then((pool) => {
    const guests = pool.members.filter((member) => member.type === 'qemu' || member.type === 'lxc');
    const running = guests.filter((member) => member.status === 'running').length;
    box.append(infoBox(t('Status'), [
      [t('Comment'), pool.comment || ''],
      [t('Virtual Guests'), String(guests.length)],
      [t('Running'), String(running)],
      [t('Storage'), String(pool.members.filter((member) => member.type === 'storage').length)],
    ]));
  }).catch(showError);
}

function members(host, poolid, onOpen) {
  const gridHost = h('div', { class: 'grid-host' });
  const add = h('button', { type: 'button', id: 'pool-add-vm', onclick: () => addGuests(poolid, reload) }, t('Add: Virtual Machine'));
  const remove = h('button', { type: 'button', id: 'pool-remove', disabled: true, onclick: async () => {
    const vms = grid.selected().filter((member) => member.vmid).map((member) => member.vmid).join(',');
    if (!vms) return;
    try { await api.put('/pools', { poolid, vms, delete: 1 }); } catch (failure) { showError(failure); }
    reload();
  } }, t('Remove'));
  host.append(h('div', { class: 'toolbar' }, add, remove), gridHost);
  const grid = new Grid(gridHost, {
    label: t('Members'), multiSelect: true, onActivate: (member) => onOpen(member.id),
    onSelectionChange: (rows) => { remove.disabled = rows.length === 0; },
    columns: [
      { key: 'type', label: t('Type'), width: '100px', render: (m) => t(m.type) },
      { key: 'description', label: t('Description'), value: resources.describe },
      { key: 'node', label: t('Node'), width: '120px' },
      { key: 'status', label: t('Status'), width: '100px', render: (m) => t(m.status || '') },
      { key: 'mem', label: t('Memory usage'), width: '120px', render: (m) => (m.maxmem ? formatPercent(m.mem / m.maxmem) : '') },
      { key: 'maxdisk', label: t('Disk size'), width: '110px', render: (m) => formatBytes(m.maxdisk) },
    ],
  });
  async function reload() {
    try { grid.setRows((await api.get(`/pools/${encodeURIComponent(poolid)}`)).members); } catch (failure) { showError(failure); }
  }
  reload();
  return resources.subscribe(reload);
}

function addGuests(poolid, reload) {
  const choices = [...resources.all()].filter((e) => (e.type === 'qemu' || e.type === 'lxc') && e.pool !== poolid)
    .sort((a, b) => a.vmid - b.vmid).map((e) => [String(e.vmid), resources.describe(e)]);
  formDialog({
    title: t('Add: Virtual Machine'),
    fields: [
      { name: 'vms', label: t('VM'), type: 'select', options: choices },
      { name: 'allow-move', label: t('Allow moving from another pool'), type: 'checkbox', value: false },
    ],
    onSubmit: async (values) => { await api.put('/pools', { poolid, vms: values.vms, 'allow-move': values['allow-move'] }); reload(); },
  });
}

export function poolPanel(container, poolid, { tab, onTab, onOpen }) {
  return renderPanel(container, {
    title: t('Resource Pool: {0}', poolid), iconName: 'pool', selected: tab, onTab,
    items: [
      { id: 'summary', label: t('Summary'), render: (host) => summary(host, poolid) },
      { id: 'members', label: t('Members'), render: (host) => members(host, poolid, onOpen) },
      { id: 'permissions', label: t('Permissions'), render: (host) => aclView(host, { path: `/pool/${poolid}` }) },
    ],
  });
}
