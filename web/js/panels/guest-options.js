// A guest's Options: one row per setting with its value (pending values marked), edited in
// a small dialog per row. The tables say which settings VMs and containers have.
import { formDialog } from '../dialog.js';
import { effective, loadConfig, updateConfig } from '../guest-config.js';
import { t } from '../i18n.js';
import { propertyGrid } from '../property-grid.js';
import { editBootOrder } from './boot-order.js';
import { formatPropertyString, parsePropertyString } from '../property-string.js';

const yes = () => t('Yes');
const no = () => t('No');
const flag = (key, label, fallback) => ({ key, label, type: 'checkbox', fallback });

const qemuOSTypes = [['l26', 'Linux 6.x - 2.6 Kernel'], ['l24', 'Linux 2.4 Kernel'], ['win11', 'Microsoft Windows 11/2022/2025'],
  ['win10', 'Microsoft Windows 10/2016/2019'], ['win8', 'Microsoft Windows 8.x/2012/2012r2'], ['win7', 'Microsoft Windows 7/2008r2'],
  ['wvista', 'Microsoft Windows Vista/2008'], ['w2k8', 'Microsoft Windows 2008'], ['w2k3', 'Microsoft Windows 2003'],
  ['w2k', 'Microsoft Windows 2000'], ['wxp', 'Microsoft Windows XP'], ['solaris', 'Solaris Kernel'], ['other', t('Other')]];
const lxcOSTypes = ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged']
  .map((name) => [name, name]);

export { qemuOSTypes };

/** Boot order as Proxmox shows it: `order=scsi0;ide2;net0` → `scsi0, ide2, net0` (old `cdn`: Disk, CD-ROM, Network). */
export function bootOrderText(value) {
  if (!value) return t('Default');
  const { order, legacy } = parsePropertyString(value, { defaultKey: 'legacy' });
  if (order) return order.split(/[;,]/).filter(Boolean).join(', ');
  const names = { c: t('Disk'), d: t('CD-ROM'), n: t('Network') };
  return [...(legacy || '')].map((letter) => names[letter] || letter).join(', ') || t('Default');
}

/** Start/shutdown order as Proxmox writes it: `order=any` unless set, then up and down delays. */
export function startupText(value) {
  const { order, up, down } = parsePropertyString(value, { defaultKey: 'order' });
  return [`order=${order ?? 'any'}`, up !== undefined && `up=${up}`, down !== undefined && `down=${down}`].filter(Boolean).join(',');
}

/** The guest agent: Enabled or Disabled, then its other settings. */
export function agentText(value) {
  if (value === undefined || value === '') return `${t('Default')} (${t('Disabled')})`;
  const { enabled, ...rest } = parsePropertyString(value, { defaultKey: 'enabled' });
  const extras = Object.entries(rest).map(([key, setting]) => `${key}=${setting}`);
  return [Number(enabled) ? t('Enabled') : t('Disabled'), ...extras].join(', ');
}

/** Hotplug: `network,disk,usb` → `Disk, Network, USB`; 0 is disabled, 1 the default set. */
const hotplugNames = () => ({ disk: t('Disk'), network: t('Network'), usb: 'USB', memory: t('Memory'), cpu: 'CPU', cloudinit: 'Cloud-Init' });

/** The hotplug value as a list: `1` is the default set, `0` (or nothing) none. */
function hotplugList(value) {
  return value === '1' ? ['network', 'disk', 'usb'] : String(value ?? '').split(',').filter((item) => item && item !== '0');
}

export function hotplugText(value) {
  const names = hotplugNames(), list = hotplugList(value);
  if (!list.length) return t('Disabled');
  return Object.keys(names).filter((key) => list.includes(key)).map((key) => names[key]).join(', ');
}

/** Hotplug as Proxmox edits it: one checkbox per device kind; none checked writes `0`. */
function editHotplug(entry, option, item, digest, reload) {
  const names = hotplugNames(), list = hotplugList(effective(item) ?? option.fallback);
  formDialog({
    title: t('Edit: {0}', option.label),
    fields: Object.entries(names).map(([name, label]) => ({ name, label, type: 'checkbox', value: list.includes(name) })),
    onSubmit: async (values) => {
      const chosen = Object.keys(names).filter((name) => values[name]);
      await updateConfig(entry, { hotplug: chosen.length ? chosen.join(',') : '0' }, digest);
      reload();
    },
  });
}

/** A container's features as Proxmox's dialog shows them: flags, and the mount types allowed. */
const featureFlags = () => [['keyctl', 'keyctl'], ['nesting', t('Nesting')], ['fuse', 'FUSE'], ['mknod', t('Create Device Nodes')]];
const mountTypes = () => [['nfs', 'NFS'], ['cifs', 'SMB/CIFS']];

function editFeatures(entry, option, item, digest, reload) {
  const parsed = parsePropertyString(effective(item) ?? '');
  const mounts = String(parsed.mount ?? '').split(';').filter(Boolean);
  formDialog({
    title: t('Edit: {0}', option.label),
    fields: [
      ...featureFlags().map(([name, label]) => ({ name, label, type: 'checkbox', value: Number(parsed[name] ?? 0) === 1 })),
      ...mountTypes().map(([name, label]) => ({ name: `mount-${name}`, label, type: 'checkbox', value: mounts.includes(name) })),
    ],
    onSubmit: async (values) => {
      const result = { ...parsed };
      for (const [name] of featureFlags()) result[name] = values[name] ? '1' : '';
      // Mount types Faro's dialog does not list (e.g. `ext4`) stay as they were.
      const kept = mounts.filter((type) => !mountTypes().some(([name]) => name === type));
      result.mount = [...mountTypes().filter(([name]) => values[`mount-${name}`]).map(([name]) => name), ...kept].join(';');
      await updateConfig(entry, { features: formatPropertyString(result) }, digest);
      reload();
    },
  });
}

const qemuOptions = () => [
  { key: 'name', label: t('Name') },
  flag('onboot', t('Start at boot'), 0),
  { key: 'startup', label: t('Start/Shutdown order'), format: startupText, parts: startupParts, defaultKey: 'order' },
  { key: 'ostype', label: t('OS Type'), type: 'select', options: qemuOSTypes, fallback: 'other' },
  { key: 'boot', label: t('Boot Order'), placeholder: 'order=scsi0;ide2;net0', format: bootOrderText },
  flag('tablet', t('Use tablet for pointer'), 1),
  { key: 'hotplug', label: t('Hotplug'), fallback: 'network,disk,usb', format: hotplugText, editor: editHotplug },
  flag('acpi', t('ACPI support'), 1),
  flag('kvm', t('KVM hardware virtualization'), 1),
  flag('freeze', t('Freeze CPU at startup'), 0),
  flag('localtime', t('Use local time for RTC'), 0),
  flag('protection', t('Protection'), 0),
  { key: 'agent', label: t('QEMU Guest Agent'), format: agentText, parts: agentParts, defaultKey: 'enabled', writeDefaultKey: true },
  { key: 'tags', label: t('Tags'), placeholder: 'web;prod' },
  { key: 'description', label: t('Notes'), type: 'textarea' },
];

const lxcOptions = () => [
  flag('onboot', t('Start at boot'), 0),
  { key: 'startup', label: t('Start/Shutdown order'), format: startupText, parts: startupParts, defaultKey: 'order' },
  { key: 'ostype', label: t('OS Type'), type: 'select', options: lxcOSTypes },
  { key: 'arch', label: t('Architecture'), type: 'select', options: ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'].map((a) => [a]), fallback: 'amd64' },
  flag('console', t('/dev/console'), 1),
  { key: 'tty', label: t('TTY count'), type: 'number', min: 0, max: 6, fallback: '2' },
  { key: 'cmode', label: t('Console mode'), type: 'select', options: [['tty'], ['console'], ['shell']], fallback: 'tty' },
  flag('protection', t('Protection'), 0),
  { key: 'unprivileged', label: t('Unprivileged container'), type: 'checkbox', fallback: 0, readOnly: true },
  { key: 'features', label: t('Features'), format: (value) => value || t('none'), editor: editFeatures },
  { key: 'tags', label: t('Tags'), placeholder: 'web;prod' },
  { key: 'description', label: t('Notes'), type: 'textarea' },
];

function shown(option, item) {
  if (option.format) return option.format(effective(item) ?? (option.fallback !== undefined ? String(option.fallback) : undefined));
  const value = effective(item) ?? (option.fallback !== undefined ? String(option.fallback) : '');
  if (option.type === 'checkbox') return Number(value) ? yes() : no();
  if (option.type === 'select') return (option.options.find(([key]) => key === value) || [value, value])[1] ?? value;
  return value;
}

/** Proxmox's dialog for the guest agent: a checkbox and the agent's settings instead of `enabled=1,...`. */
const agentParts = () => [
  { name: 'enabled', label: t('Use QEMU Guest Agent'), type: 'checkbox', bare: '0' },
  { name: 'fstrim_cloned_disks', label: t('Run guest-trim after a disk move or VM migration'), type: 'checkbox' },
  { name: 'type', label: t('Type'), type: 'select', options: [['', `${t('Default')} (VirtIO)`], ['virtio', 'VirtIO'], ['isa', 'ISA']] },
];

/** Start/shutdown order, startup delay and shutdown timeout as three numbers. */
const startupParts = () => [
  { name: 'order', label: t('Start/Shutdown order'), type: 'number', min: 0, placeholder: 'any' },
  { name: 'up', label: t('Startup delay'), type: 'number', min: 0, placeholder: t('Default') },
  { name: 'down', label: t('Shutdown timeout'), type: 'number', min: 0, placeholder: t('Default') },
];

/**
 * A property-string option edited as one field per key. The result is written back as
 * `key=value,...` (the `defaultKey` first, bare); nothing set, or only `bare`, deletes it.
 */
function editParts(entry, option, item, digest, reload) {
  const parsed = parsePropertyString(effective(item) ?? '', { defaultKey: option.defaultKey });
  formDialog({
    title: t('Edit: {0}', option.label),
    fields: option.parts().map((part) => ({ ...part, value: part.type === 'checkbox' ? Number(parsed[part.name] ?? 0) === 1 : parsed[part.name] ?? '' })),
    onSubmit: async (values) => {
      const result = { ...parsed };
      for (const part of option.parts()) {
        const value = values[part.name];
        result[part.name] = part.type === 'checkbox' ? (value ? '1' : part.bare ?? '') : String(value).trim();
      }
      const text = formatPropertyString(result, { defaultKey: option.writeDefaultKey ? option.defaultKey : null });
      const bare = option.parts().find((part) => part.bare !== undefined)?.bare;
      await updateConfig(entry, { [option.key]: text === bare ? '' : text }, digest);
      reload();
    },
  });
}

function editOption(entry, option, items, digest, reload) {
  const item = items.get(option.key);
  if (option.key === 'boot' && entry.type === 'qemu') { editBootOrder(entry, items, digest, reload); return; }
  if (option.parts) { editParts(entry, option, item, digest, reload); return; }
  if (option.editor) { option.editor(entry, option, item, digest, reload); return; }
  const current = effective(item) ?? (option.fallback !== undefined ? String(option.fallback) : '');
  formDialog({
    title: t('Edit: {0}', option.label), className: option.type === 'textarea' ? 'wide' : '',
    fields: [{ ...option, name: option.key, value: option.type === 'checkbox' ? Number(current) === 1 : current }],
    onSubmit: async (values) => {
      let value = values[option.key];
      if (option.type === 'checkbox') value = value ? 1 : 0;
      const unchangedDefault = option.fallback !== undefined && String(value) === String(option.fallback) && !item;
      if (!unchangedDefault) await updateConfig(entry, { [option.key]: value }, digest);
      reload();
    },
  });
}

export function optionsView(host, entry) {
  const options = entry.type === 'qemu' ? qemuOptions() : lxcOptions();
  let config = { items: new Map(), digest: null };
  propertyGrid(host, {
    id: 'options', label: t('Options'),
    load: async () => {
      config = await loadConfig(entry);
      return options.map((option) => {
        const item = config.items.get(option.key);
        return { key: option.key, label: option.label, option, readOnly: option.readOnly, value: shown(option, item),
          pending: Boolean(item && (item.pending !== undefined || item.delete)) };
      });
    },
    edit: (row, reload) => editOption(entry, row.option, config.items, config.digest, reload),
  });
}
