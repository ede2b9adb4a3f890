// Backups of guests: a VM's or CT's Backup view (back up now, its backups on every backup
// storage of the node, restore, show configuration, notes, protection, remove) and the
// dialogs the storage's Backups content view shares with it.
import * as api from '../api.js';
import { confirmDialog, formDialog, openWindow, showError } from '../dialog.js';
import { h, formatBytes, formatTime } from '../dom.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import { storageOptions, storagesFor } from '../storage-choices.js';
import { taskStarted, waitForTask } from '../tasks.js';

const nodePath = (node) => `/nodes/${encodeURIComponent(node)}`;
const contentPath = (node, volid) =>
  `${nodePath(node)}/storage/${encodeURIComponent(volid.split(':')[0])}/content/${encodeURIComponent(volid)}`;

/** `qemu` or `lxc` from an archive name (`vzdump-qemu-100-…`). */
export function archiveType(volid) {
  const match = /vzdump-(qemu|lxc|openvz)-/.exec(volid);
  return match ? (match[1] === 'qemu' ? 'qemu' : 'lxc') : null;
}

/** The backup's config as stored in the archive, in a window of its own. */
export async function showConfiguration(node, volid) {
  try {
    const text = await api.get(`${nodePath(node)}/vzdump/extractconfig`, { volume: volid });
    const win = openWindow(t('Configuration'), { className: 'backup-config-window' });
    win.body.append(h('pre', { id: 'backup-config', class: 'config-text' }, text));
    win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Close')));
  } catch (failure) {
    showError(failure);
  }
}

export function editNotes(node, volume, done) {
  formDialog({
    title: t('Notes'),
    fields: [{ name: 'notes', label: t('Notes'), type: 'textarea', rows: 4, value: volume.notes || '' }],
    onSubmit: async ({ notes }) => { await api.put(contentPath(node, volume.volid), { notes }); done(); },
  });
}

export async function toggleProtection(node, volume, done) {
  try { await api.put(contentPath(node, volume.volid), { protected: Number(volume.protected) ? 0 : 1 }); } catch (failure) { showError(failure); }
  done();
}

/**
 * Restore `volume`: over the guest `target` (its own Backup view; Proxmox's `force`), else as a
 * new guest whose VMID the dialog asks for.
 */
export async function restoreDialog(node, volume, done, target = null) {
  const type = archiveType(volume.volid);
  if (!type) return showError(new Error(t('Unknown archive type')));
  const content = type === 'qemu' ? 'images' : 'rootdir';
  const nextid = target ? target.vmid : await api.get('/cluster/nextid').catch(() => '');
  formDialog({
    title: t('Restore: {0}', type === 'qemu' ? t('VM') : t('CT')),
    className: 'restore-window',
    intro: target ? h('p', { class: 'form-warning' }, t('This will permanently erase current VM data.')) : null,
    fields: [
      { name: 'source', label: t('Source'), value: volume.volid, disabled: true },
      { name: 'vmid', label: t('VM ID'), type: 'number', min: 100, max: 999999999, value: nextid, required: true, disabled: Boolean(target) },
      { name: 'storage', label: t('Storage'), type: 'select', options: [['', t('From backup configuration')]],
        choices: async () => [['', t('From backup configuration')], ...storageOptions(await storagesFor(node, content))] },
      { name: 'unique', label: t('Unique'), type: 'checkbox', value: false },
      { name: 'start', label: t('Start after restore'), type: 'checkbox', value: false },
    ],
    submitLabel: t('Restore'),
    onSubmit: async (values) => {
      const parameters = { vmid: target ? target.vmid : values.vmid, unique: values.unique ? 1 : 0, start: values.start ? 1 : 0 };
      if (values.storage) parameters.storage = values.storage;
      if (target) parameters.force = 1;
      if (type === 'qemu') parameters.archive = volume.volid;
      else Object.assign(parameters, { ostemplate: volume.volid, restore: 1 });
      const upid = await api.post(`${nodePath(node)}/${type}`, parameters);
      waitForTask(node, taskStarted(upid)).catch(showError).finally(done);
    },
  });
}

function backupNowDialog(entry, done) {
  formDialog({
    title: t('Backup {0} {1}', entry.type === 'qemu' ? t('VM') : t('CT'), entry.vmid),
    className: 'backup-now-window',
    fields: [
      { name: 'storage', label: t('Storage'), type: 'select', options: [['local', 'local']], value: 'local',
        choices: async () => storageOptions(await storagesFor(entry.node, 'backup')) },
      { name: 'mode', label: t('Mode'), type: 'select', options: [['snapshot', t('Snapshot')], ['suspend', t('Suspend')], ['stop', t('Stop')]], value: 'snapshot' },
      { name: 'compress', label: t('Compression'), type: 'select', options: [['zstd', 'ZSTD'], ['gzip', 'GZIP'], ['lzo', 'LZO'], ['0', t('none')]], value: 'zstd' },
      { name: 'protected', label: t('Protected'), type: 'checkbox', value: false },
      { name: 'notes-template', label: t('Notes'), value: '{{guestname}}' },
    ],
    submitLabel: t('Backup'),
    onSubmit: async (values) => {
      const parameters = { vmid: entry.vmid, storage: values.storage, mode: values.mode, compress: values.compress, remove: 0 };
      if (values.protected) parameters.protected = 1;
      if (values['notes-template']) parameters['notes-template'] = values['notes-template'];
      const upid = await api.post(`${nodePath(entry.node)}/vzdump`, parameters);
      waitForTask(entry.node, taskStarted(upid)).catch(showError).finally(done);
    },
  });
}

/** The columns of a list of backups (also the storage's Backups view). */
export function backupColumns({ withStorage = false } = {}) {
  return [
    { key: 'name', label: t('Name'), width: 'minmax(200px, 3fr)', value: (volume) => volume.volid.replace(/^[^:]+:backup\//, '') },
    withStorage && { key: 'storage', label: t('Storage'), width: '90px', value: (volume) => volume.volid.split(':')[0] },
    { key: 'notes', label: t('Notes'), width: 'minmax(100px, 2fr)', value: (volume) => volume.notes || '' },
    { key: 'protected', label: t('Protected'), width: '85px', render: (volume) => (Number(volume.protected) ? t('Yes') : '') },
    { key: 'ctime', label: t('Date'), width: '160px', render: (volume) => formatTime(volume.ctime) },
    { key: 'format', label: t('Format'), width: '75px' },
    { key: 'size', label: t('Size'), width: '85px', align: 'right', render: (volume) => formatBytes(volume.size) },
  ].filter(Boolean);
}

/** The buttons that act on a selected backup; `extra` before them. Returns { bar, update }. */
export function backupToolbar(node, selected, reload, { extra = [], target = null } = {}) {
  const button = (label, id, run) => h('button', { type: 'button', id, disabled: true, onclick: () => { const volume = selected(); if (volume) run(volume); } }, label);
  const buttons = [
    button(t('Restore'), 'backup-restore', (volume) => restoreDialog(node, volume, reload, target)),
    button(t('Show Configuration'), 'backup-show-config', (volume) => showConfiguration(node, volume.volid)),
    button(t('Edit Notes'), 'backup-notes', (volume) => editNotes(node, volume, reload)),
    button(t('Change Protection'), 'backup-protection', (volume) => toggleProtection(node, volume, reload)),
    button(t('Remove'), 'backup-remove', async (volume) => {
      if (!(await confirmDialog(t('Are you sure you want to remove entry {0}', volume.volid)))) return;
      try {
        const upid = await api.del(contentPath(node, volume.volid));
        if (upid) await waitForTask(node, taskStarted(upid));
      } catch (failure) {
        showError(failure);
      }
      reload();
    }),
  ];
  const update = (volume) => {
    for (const element of buttons) element.disabled = !volume;
    // A protected backup cannot be removed; Proxmox's button says so by being off.
    if (volume && Number(volume.protected)) buttons[4].disabled = true;
  };
  return { bar: h('div', { class: 'toolbar' }, ...extra, ...buttons), update };
}

/** A guest's Backup view: its backups on every backup storage of its node. */
export function guestBackupView(host, entry) {
  const gridHost = h('div', { class: 'grid-host' });
  let grid = null;
  const selected = () => grid.selected()[0];
  const backupNow = h('button', { type: 'button', id: 'backup-now', class: 'primary', onclick: () => backupNowDialog(entry, reload) }, t('Backup now'));
  const tools = backupToolbar(entry.node, selected, reload, { extra: [backupNow], target: entry });
  host.append(tools.bar, gridHost);
  grid = new Grid(gridHost, {
    label: t('Backups'), rowKey: (volume) => volume.volid,
    onSelectionChange: ([volume]) => tools.update(volume),
    columns: backupColumns({ withStorage: true }),
  });
  async function reload() {
    try {
      const storages = await storagesFor(entry.node, 'backup');
      const lists = await Promise.all(storages.map((storage) =>
        api.get(`${nodePath(entry.node)}/storage/${encodeURIComponent(storage.storage)}/content`, { content: 'backup', vmid: entry.vmid })
          .catch(() => [])));
      grid.setRows(lists.flat().sort((a, b) => (b.ctime || 0) - (a.ctime || 0)));
      tools.update(selected());
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
}
