// Datacenter → Storage: the storages of storage.cfg (add, edit, remove), as Proxmox lists them.
import * as api from '../api.js';
import { formDialog } from '../dialog.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';
import { crudList, yesNo } from './crud.js';

const types = [['dir', 'Directory'], ['btrfs', 'BTRFS'], ['lvmthin', 'LVM-Thin'], ['lvm', 'LVM']];
const typeLabel = (type) => (types.find(([value]) => value === type) || [type, type])[1];

/** The options each type takes in the dialog, beyond id, content, nodes, shared and disable. */
const typeFields = {
  dir: (storage) => [{ name: 'path', label: t('Directory'), value: storage?.path, required: true, disabled: Boolean(storage) }],
  btrfs: (storage) => [{ name: 'path', label: t('Directory'), value: storage?.path, required: true, disabled: Boolean(storage) }],
  lvmthin: (storage) => [
    { name: 'vgname', label: t('Volume group'), value: storage?.vgname, required: true, disabled: Boolean(storage) },
    { name: 'thinpool', label: t('Thin Pool'), value: storage?.thinpool, required: true, disabled: Boolean(storage) },
  ],
  lvm: (storage) => [{ name: 'vgname', label: t('Volume group'), value: storage?.vgname, required: true, disabled: Boolean(storage) }],
};

/** The content types a storage type holds, with the names Proxmox gives them. */
const contentTypes = () => [['images', t('Disk image')], ['rootdir', t('Container')], ['iso', t('ISO image')],
  ['vztmpl', t('Container template')], ['backup', t('VZDump backup file')], ['snippets', t('Snippets')]];
const blockContent = ['images', 'rootdir'];

function fields(type, storage) {
  const content = contentTypes().filter(([value]) => !type.startsWith('lvm') || blockContent.includes(value));
  return [
    ...(storage ? [] : [{ name: 'storage', label: t('ID'), required: true }]),
    ...typeFields[type](storage),
    { name: 'content', label: t('Content'), type: 'multiselect', options: content, required: true,
      value: storage?.content ?? (type.startsWith('lvm') ? 'images,rootdir' : 'images,rootdir,iso,vztmpl,backup,snippets') },
    // None chosen: every node (Proxmox: "All (No restrictions)").
    { name: 'nodes', label: t('Nodes'), type: 'multiselect', options: nodeOptions(storage?.nodes), value: storage?.nodes ?? '' },
    { name: 'enable', label: t('Enable'), type: 'checkbox', value: !Number(storage?.disable ?? 0) },
    ...(type === 'lvm' || type === 'dir' ? [{ name: 'shared', label: t('Shared'), type: 'checkbox', value: Boolean(Number(storage?.shared ?? 0)) }] : []),
  ];
}

/** The cluster's nodes from the live resource list, plus any the storage names that are gone. */
function nodeOptions(current = '') {
  const names = new Set([...resources.all()].filter((entry) => entry.type === 'node').map((entry) => entry.node));
  for (const name of String(current).split(',').filter(Boolean)) names.add(name);
  return [...names].sort().map((name) => [name, name]);
}

function parameters(values, storage) {
  const result = { ...values, disable: values.enable ? 0 : 1 };
  delete result.enable;
  for (const key of ['path', 'vgname', 'thinpool']) if (storage) delete result[key];
  if (storage && !result.nodes) { delete result.nodes; result.delete = 'nodes'; }
  if (!storage && !result.nodes) delete result.nodes;
  return result;
}

export function storageConfigView(host) {
  crudList(host, {
    label: 'storages', rowKey: (storage) => storage.storage, load: () => api.get('/storage'),
    columns: [
      { key: 'storage', label: t('ID') },
      { key: 'type', label: t('Type'), render: (storage) => typeLabel(storage.type) },
      { key: 'content', label: t('Content'), width: '2fr' },
      { key: 'path', label: t('Path/Target'), width: '2fr', render: (storage) => storage.path || [storage.vgname, storage.thinpool].filter(Boolean).join('/') },
      { key: 'shared', label: t('Shared'), render: (storage) => yesNo(storage.shared ?? 0) },
      { key: 'disable', label: t('Enabled'), render: (storage) => yesNo(Number(storage.disable ?? 0) ? 0 : 1) },
    ],
    add: (reload) => formDialog({
      title: t('Add: Storage'),
      fields: [{ name: 'type', label: t('Type'), type: 'select', options: types.map(([value, label]) => [value, label]), value: 'dir' }],
      submitLabel: t('Next'),
      onSubmit: async ({ type }) => {
        formDialog({
          title: t('Add: {0}', typeLabel(type)), fields: fields(type),
          onSubmit: async (values) => { await api.post('/storage', { type, ...parameters(values) }); reload(); },
        });
      },
    }),
    edit: (storage, reload) => formDialog({
      title: t('Edit: {0}', storage.storage), fields: fields(storage.type, storage),
      onSubmit: async (values) => {
        await api.put(`/storage/${encodeURIComponent(storage.storage)}`, parameters(values, storage));
        reload();
      },
    }),
    remove: (storage) => api.del(`/storage/${encodeURIComponent(storage.storage)}`),
    describe: (storage) => storage.storage,
  });
}
