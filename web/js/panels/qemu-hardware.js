// A VM's Hardware: memory, processors, BIOS, display, machine, SCSI controller, disks,
// CD/DVD drives, NICs and unused disks, with pending changes marked. Add, Edit, Remove,
// Revert and disk resize; the dialogs are in qemu-devices.js.
import * as api from '../api.js';
import { confirmDialog, formDialog, showError } from '../dialog.js';
import { h, formatBytes } from '../dom.js';
import { guestPath } from '../guest-actions.js';
import { effective, loadConfig, updateConfig } from '../guest-config.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import { menuButton } from '../menu.js';
import { taskStarted, waitForTask } from '../tasks.js';
import { addCDROM, addDisk, addNIC, editCDROM, editDisk, editNIC, isCDROM, isDisk } from './qemu-devices.js';
import { editBIOS, editDisplay, editMachine, editMemory, editProcessors, editSCSIController } from './qemu-system.js';

const driveKey = /^(ide|sata|scsi|virtio)\d+$|^(efidisk|tpmstate)0$/;
const order = (key) => {
  const fixed = ['memory', 'processors', 'bios', 'vga', 'machine', 'scsihw'].indexOf(key);
  if (fixed >= 0) return [fixed, 0, ''];
  const [, name, number] = key.match(/^([a-z]+)(\d+)$/) || [null, key, '0'];
  const group = driveKey.test(key) ? 10 : name === 'net' ? 20 : name === 'unused' ? 30 : 40;
  return [group, Number(number), name];
};
const byOrder = (a, b) => {
  const [x, y] = [order(a.key), order(b.key)];
  return x[0] - y[0] || x[2].localeCompare(y[2]) || x[1] - y[1];
};

function label(key, value) {
  const names = { memory: t('Memory'), processors: t('Processors'), bios: t('BIOS'), vga: t('Display'), machine: t('Machine'), scsihw: t('SCSI Controller') };
  if (names[key]) return names[key];
  if (/^net\d+$/.test(key)) return t('Network Device ({0})', key);
  if (/^unused\d+$/.test(key)) return t('Unused Disk {0}', key.slice('unused'.length));
  if (key === 'efidisk0') return t('EFI Disk');
  if (key === 'tpmstate0') return t('TPM State');
  if (driveKey.test(key)) return isCDROM(value) ? t('CD/DVD Drive ({0})', key) : t('Hard Disk ({0})', key);
  return key;
}

const memoryText = (value) => formatBytes(Number(String(value).replace(/^current=/, '')) * 1024 * 1024);

/** Memory and CPU shown as Proxmox does; the processors row is made from sockets, cores and cpu. */
function rows(items) {
  const value = (key, fallback) => ({ value: items.get(key)?.value ?? fallback, pending: items.get(key)?.pending, delete: items.get(key)?.delete });
  const describeCPU = (get) => {
    const sockets = Number(get('sockets') ?? 1);
    const cores = Number(get('cores') ?? 1);
    return `${sockets * cores} (${t('{0} sockets, {1} cores', sockets, cores)}) [${get('cpu') ?? 'kvm64'}]`;
  };
  const currentOf = (key) => items.get(key)?.value;
  const pendingOf = (key) => effective(items.get(key));
  const cpuNow = describeCPU(currentOf);
  const cpuNext = describeCPU(pendingOf);
  const result = [
    { key: 'memory', ...value('memory', '512'), show: memoryText },
    { key: 'processors', value: cpuNow, pending: cpuNext !== cpuNow ? cpuNext : undefined },
    { key: 'bios', ...value('bios', 'seabios'), show: (v) => (v === 'ovmf' ? 'OVMF (UEFI)' : `${t('Default')} (SeaBIOS)`) },
    { key: 'vga', ...value('vga', t('Default')) },
    { key: 'machine', ...value('machine', `${t('Default')} (i440fx)`) },
    { key: 'scsihw', ...value('scsihw', `${t('Default')} (LSI 53C895A)`) },
  ];
  for (const [key, item] of items) {
    if (driveKey.test(key) || /^(net|unused)\d+$/.test(key)) result.push({ key, ...item });
  }
  return result.sort(byOrder).map((row) => ({ ...row, label: label(row.key, effective(row) ?? row.value) }));
}

function valueCell(row) {
  const show = row.show || ((v) => v);
  const now = row.value !== undefined ? show(row.value) : '';
  if (row.delete) return h('span', { class: 'pending-delete' }, now);
  if (row.pending === undefined) return now;
  return h('span', {}, row.value !== undefined ? h('span', { class: 'pending-old' }, now) : null, h('span', { class: 'pending' }, show(row.pending)));
}

export function hardwareView(host, entry) {
  const gridHost = h('div', { class: 'grid-host' });
  let config = { items: new Map(), digest: null };
  const context = () => ({ entry, items: config.items, digest: config.digest, reload });
  const button = (text, id, action) => h('button', { type: 'button', id, disabled: true, onclick: () => { const row = grid.selected()[0]; if (row) action(row); } }, text);
  const add = menuButton(t('Add'), 'hardware-add', () => [
    { id: 'add-disk', label: t('Hard Disk'), run: () => addDisk(context()).catch(showError) },
    { id: 'add-cdrom', label: t('CD/DVD Drive'), run: () => addCDROM(context()).catch(showError) },
    { id: 'add-net', label: t('Network Device'), run: () => addNIC(context()).catch(showError) },
  ]);
  const edit = button(t('Edit'), 'hardware-edit', (row) => editRow(row));
  const remove = button(t('Remove'), 'hardware-remove', (row) => removeRow(row));
  const resize = button(t('Resize'), 'hardware-resize', (row) => resizeDisk(entry, row.key, reload));
  const revert = button(t('Revert'), 'hardware-revert', (row) => revertRow(row));
  host.append(h('div', { class: 'toolbar' }, add, remove, edit, resize, revert), gridHost);
  const grid = new Grid(gridHost, {
    label: t('Hardware'), rowKey: (row) => row.key, onActivate: (row) => editRow(row),
    onSelectionChange: ([row]) => {
      const removable = row && (driveKey.test(row.key) || /^(net|unused)\d+$/.test(row.key));
      remove.disabled = !removable || Boolean(row.delete);
      edit.disabled = !row || /^unused/.test(row.key);
      resize.disabled = !row || !isDisk(row.key, effective(row));
      revert.disabled = !row || (row.pending === undefined && !row.delete);
    },
    columns: [
      { key: 'label', label: t('Device'), width: '240px' },
      { key: 'value', label: t('Value'), render: valueCell, value: (row) => effective(row) ?? row.value },
    ],
  });

  function editRow(row) {
    const editors = { memory: editMemory, processors: editProcessors, bios: editBIOS, vga: editDisplay, machine: editMachine, scsihw: editSCSIController };
    const value = effective(row) ?? row.value;
    const run = editors[row.key] ? editors[row.key](context())
      : /^net\d+$/.test(row.key) ? editNIC(context(), row.key, value)
        : driveKey.test(row.key) ? (isCDROM(value) ? editCDROM(context(), row.key, value) : editDisk(context(), row.key, value)) : null;
    if (run) Promise.resolve(run).catch(showError);
  }

  async function removeRow(row) {
    const question = /^unused/.test(row.key) ? t('Are you sure you want to remove entry {0}? This will permanently erase all data.', row.label)
      : t('Are you sure you want to remove entry {0}', row.label);
    if (!(await confirmDialog(question))) return;
    try { await updateConfig(entry, { [row.key]: '' }, config.digest); } catch (failure) { showError(failure); }
    reload();
  }

  async function revertRow(row) {
    const keys = row.key === 'processors' ? 'sockets,cores,cpu' : row.key;
    try { await api.put(`${guestPath(entry)}/config`, { revert: keys, digest: config.digest }); } catch (failure) { showError(failure); }
    reload();
  }

  async function reload() {
    try {
      config = await loadConfig(entry);
      grid.setRows(rows(config.items));
      grid.onSelectionChange(grid.selected());
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
}

function resizeDisk(entry, disk, reload) {
  formDialog({
    title: t('Resize disk {0}', disk), submitLabel: t('Resize disk'),
    fields: [{ name: 'size', label: t('Size Increment (GiB)'), type: 'number', min: 0, max: 131072, step: 1, value: 1, required: true }],
    onSubmit: async (values) => {
      const upid = await api.put(`${guestPath(entry)}/resize`, { disk, size: `+${values.size}G` });
      await waitForTask(entry.node, taskStarted(upid));
      reload();
    },
  });
}
