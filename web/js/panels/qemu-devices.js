// The Hardware dialogs for a VM's disks, CD/DVD drives and network devices. A new disk is
// written as `<storage>:<GiB>` so the server allocates it; editing keeps the volume and size.
import { APIError } from '../api.js';
import { formDialog } from '../dialog.js';
import { updateConfig } from '../guest-config.js';
import { t } from '../i18n.js';
import { formatPropertyString, parsePropertyString } from '../property-string.js';
import { buses, cacheModes, freeSlot, nicModelOptions, nicModels } from '../qemu-choices.js';
import { formatsOf, storageOptions, storagesFor, volumeOptions } from '../storage-choices.js';
import { bridgeField } from '../network-choices.js';

export const isCDROM = (value) => /(^|,)media=cdrom(,|$)/.test(String(value || ''));
export const isDisk = (key, value) => /^(ide|sata|scsi|virtio)\d+$/.test(key) && value !== undefined && !isCDROM(value);

const drive = (value) => parsePropertyString(value, { defaultKey: 'file' });
const writeDrive = (values) => formatPropertyString(values, { defaultKey: 'file' });
const flag = (value) => (value ? '1' : '');

async function save({ entry, digest, reload }, changes) {
  await updateConfig(entry, changes, digest);
  reload();
}

/** Fields for the options a disk has besides its volume: cache, discard, IO thread, SSD, backup. */
export function diskOptionFields(current = {}) {
  return [
    { name: 'cache', label: t('Cache'), type: 'select', options: cacheModes(), value: current.cache || '' },
    { name: 'discard', label: t('Discard'), type: 'checkbox', value: current.discard === 'on' },
    { name: 'iothread', label: t('IO thread'), type: 'checkbox', value: current.iothread === '1' },
    { name: 'ssd', label: t('SSD emulation'), type: 'checkbox', value: current.ssd === '1' },
    { name: 'backup', label: t('Backup'), type: 'checkbox', value: current.backup !== '0' },
  ];
}

/** The drive options from those fields (defaults left out, as Proxmox writes them). */
export function diskOptions(values) {
  return { cache: values.cache, discard: values.discard ? 'on' : '', iothread: flag(values.iothread), ssd: flag(values.ssd), backup: values.backup ? '' : '0' };
}

const busField = (keys, value = 'scsi') => ({ name: 'bus', label: t('Bus/Device'), type: 'select', value,
  options: buses.map(([bus, name]) => [bus, `${name} (${freeSlot(bus, keys) || t('none free')})`]),
  validate: (bus) => (freeSlot(bus, keys) ? null : t('No free slot on this bus')) });

export async function addDisk(context) {
  const storages = await storagesFor(context.entry.node, 'images');
  const keys = new Set(context.items.keys());
  formDialog({
    title: t('Add: {0}', t('Hard Disk')),
    fields: [
      busField(keys),
      { name: 'storage', label: t('Storage'), type: 'select', options: storageOptions(storages), required: true },
      { name: 'size', label: t('Disk size (GiB)'), type: 'number', min: 0.001, max: 131072, step: 'any', value: 32, required: true },
      { name: 'format', label: t('Format'), type: 'select', options: [['', t('Default')], ['raw', 'Raw disk image (raw)'], ['qcow2', 'QEMU image format (qcow2)']] },
      ...diskOptionFields(),
    ],
    onSubmit: async (values) => {
      const storage = storages.find((item) => item.storage === values.storage);
      if (values.format && !formatsOf(storage).supported.includes(values.format)) {
        const message = t('Storage {0} does not support format {1}', values.storage, values.format);
        throw new APIError(400, message, { format: message });
      }
      const value = writeDrive({ file: `${values.storage}:${values.size}`, format: values.format, ...diskOptions(values) });
      await save(context, { [freeSlot(values.bus, keys)]: value });
    },
  });
}

export function editDisk(context, key, value) {
  const current = drive(value);
  formDialog({
    title: t('Edit: {0}', t('Hard Disk ({0})', key)),
    fields: [{ name: 'file', label: t('Disk image'), value: current.file, disabled: true }, ...diskOptionFields(current)],
    onSubmit: (values) => save(context, { [key]: writeDrive({ ...current, ...diskOptions(values) }) }),
  });
}

async function isoField(node, value) {
  const isos = await volumeOptions(node, 'iso');
  return { name: 'iso', label: t('ISO image'), type: 'select', options: [['none', t('Do not use any media')], ...isos], value };
}

export async function addCDROM(context) {
  const keys = new Set(context.items.keys());
  formDialog({
    title: t('Add: {0}', t('CD/DVD Drive')),
    fields: [busField(keys, 'ide'), await isoField(context.entry.node, 'none')],
    onSubmit: (values) => save(context, { [freeSlot(values.bus, keys)]: `${values.iso},media=cdrom` }),
  });
}

export async function editCDROM(context, key, value) {
  const current = drive(value);
  formDialog({
    title: t('Edit: {0}', t('CD/DVD Drive ({0})', key)),
    fields: [await isoField(context.entry.node, current.file)],
    onSubmit: (values) => save(context, { [key]: writeDrive({ ...current, file: values.iso }) }),
  });
}

/** Bridge, VLAN tag, model, MAC and firewall, as in the wizard's Network step. */
export function nicFields(current = {}, node = null) {
  return [
    bridgeField(node, current.bridge),
    { name: 'tag', label: t('VLAN Tag'), type: 'number', min: 1, max: 4094, value: current.tag ?? '', placeholder: t('no VLAN') },
    { name: 'model', label: t('Model'), type: 'select', options: nicModelOptions(), value: current.model ?? 'virtio' },
    { name: 'macaddr', label: t('MAC address'), value: current.macaddr ?? '', placeholder: t('auto'),
      validate: (mac) => (/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/.test(mac) ? null : t('Invalid MAC address')) },
    { name: 'firewall', label: t('Firewall'), type: 'checkbox', value: current.firewall ? current.firewall === '1' : true },
  ];
}

export function nicValue(values, current = {}) {
  return formatPropertyString({ ...current, model: values.model, macaddr: values.macaddr, bridge: values.bridge, tag: values.tag,
    firewall: values.firewall ? '1' : '' }, { models: true });
}

export function addNIC(context) {
  const keys = new Set(context.items.keys());
  const slot = Array.from({ length: 32 }, (_, index) => `net${index}`).find((key) => !keys.has(key));
  formDialog({
    title: t('Add: {0}', t('Network Device')),
    fields: nicFields({}, context.entry.node),
    onSubmit: (values) => save(context, { [slot]: nicValue(values) }),
  });
}

export function editNIC(context, key, value) {
  const current = parsePropertyString(value, { models: nicModels });
  formDialog({
    title: t('Edit: {0}', t('Network Device ({0})', key)),
    fields: nicFields(current, context.entry.node),
    onSubmit: (values) => save(context, { [key]: nicValue(values, current) }),
  });
}
