// The Create VM wizard: General, OS, System, Disks, CPU, Memory, Network, Confirm, with
// Proxmox's fields and the defaults its GUI uses; the next free VMID is proposed.
import * as api from '../api.js';
import { setOptions } from '../dialog.js';
import { t } from '../i18n.js';
import { qemuOSTypes } from '../panels/guest-options.js';
import { diskOptionFields, diskOptions, nicFields, nicValue } from '../panels/qemu-devices.js';
import { formatPropertyString } from '../property-string.js';
import { bioses, buses, cpuTypes, displays, machines, scsiControllers } from '../qemu-choices.js';
import { bridgeOptions } from '../network-choices.js';
import { formatsOf, storageOptions, storagesFor, volumeOptions } from '../storage-choices.js';
import { taskStarted } from '../tasks.js';
import { openWizard } from '../wizard.js';
import { generalFields, nodeOptions, watchNode } from './common.js';

function steps(nextid, pools) {
  return [
    { id: 'general', label: t('General'), fields: [
      ...generalFields(nextid, pools),
      { name: 'name', label: t('Name'), validate: (name) => (/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(name) ? null : t('Invalid DNS name')) },
      { name: 'onboot', label: t('Start at boot'), type: 'checkbox', advanced: true },
    ] },
    { id: 'os', label: t('OS'), fields: [
      { name: 'media', label: t('Media'), type: 'select', value: 'iso',
        options: [['iso', t('Use CD/DVD disc image file (iso)')], ['none', t('Do not use any media')]] },
      { name: 'iso', label: t('ISO image'), type: 'select', required: true },
      { name: 'ostype', label: t('Guest OS'), type: 'select', options: qemuOSTypes, value: 'l26' },
    ] },
    { id: 'system', label: t('System'), fields: [
      { name: 'vga', label: t('Graphic card'), type: 'select', options: displays() },
      { name: 'machine', label: t('Machine'), type: 'select', options: machines() },
      { name: 'bios', label: t('BIOS'), type: 'select', options: bioses() },
      { name: 'scsihw', label: t('SCSI Controller'), type: 'select', options: scsiControllers(), value: 'virtio-scsi-single' },
      { name: 'agent', label: t('QEMU Agent'), type: 'checkbox' },
      { name: 'kvm', label: t('KVM hardware virtualization'), type: 'checkbox', value: true, advanced: true },
    ] },
    { id: 'disks', label: t('Disks'), fields: [
      { name: 'bus', label: t('Bus/Device'), type: 'select', options: buses.map(([bus, label]) => [bus, label]), value: 'scsi' },
      { name: 'storage', label: t('Storage'), type: 'select', required: true },
      { name: 'size', label: t('Disk size (GiB)'), type: 'number', min: 0.001, max: 131072, step: 'any', value: 32, required: true },
      { name: 'format', label: t('Format'), type: 'select' },
      ...diskOptionFields({ iothread: '1' }),
    ] },
    { id: 'cpu', label: t('CPU'), fields: [
      { name: 'sockets', label: t('Sockets'), type: 'number', min: 1, max: 4, value: 1, required: true },
      { name: 'cores', label: t('Cores'), type: 'number', min: 1, max: 128, value: 1, required: true },
      { name: 'cpu', label: t('Type'), type: 'select', options: cpuTypes(), value: 'x86-64-v2-AES' },
    ] },
    { id: 'memory', label: t('Memory'), fields: [
      { name: 'memory', label: t('Memory (MiB)'), type: 'number', min: 16, max: 268435456, value: 2048, required: true },
      { name: 'balloon', label: t('Minimum memory (MiB)'), type: 'number', min: 0, advanced: true,
        validate: (value, values) => (Number(value) > Number(values.memory) ? t('Minimum memory must not exceed the memory') : null) },
      { name: 'ballooning', label: t('Ballooning Device'), type: 'checkbox', value: true, advanced: true },
    ] },
    { id: 'network', label: t('Network'), fields: [
      { name: 'nonet', label: t('No network device'), type: 'checkbox' },
      ...nicFields(),
    ] },
  ];
}

/** What the wizard sends to POST /nodes/{node}/qemu. */
export function vmParameters(values) {
  const disk = formatPropertyString({ file: `${values.storage}:${values.size}`, format: values.format, ...diskOptions(values) }, { defaultKey: 'file' });
  const diskKey = `${values.bus}0`;
  return {
    vmid: values.vmid, name: values.name || undefined, pool: values.pool || undefined, onboot: values.onboot ? 1 : undefined,
    ostype: values.ostype, ide2: values.media === 'iso' ? `${values.iso},media=cdrom` : undefined,
    vga: values.vga || undefined, machine: values.machine || undefined, bios: values.bios || undefined, scsihw: values.scsihw || undefined,
    agent: values.agent ? '1' : undefined, kvm: values.kvm ? undefined : 0,
    [diskKey]: disk, boot: `order=${[diskKey, values.media === 'iso' ? 'ide2' : null, values.nonet ? null : 'net0'].filter(Boolean).join(';')}`,
    sockets: values.sockets, cores: values.cores, cpu: values.cpu, memory: values.memory,
    balloon: values.ballooning ? values.balloon || undefined : 0,
    net0: values.nonet ? undefined : nicValue(values),
  };
}

/** Storage-dependent choices follow the node; the ISO field follows the media choice. */
function setup(rows) {
  const media = rows.media.input;
  const nonet = rows.nonet.input;
  const paintMedia = () => { rows.iso.input.disabled = media.value !== 'iso'; };
  const paintNet = () => { for (const name of ['bridge', 'tag', 'model', 'macaddr', 'firewall']) rows[name].input.disabled = nonet.checked; };
  let storages = [];
  const paintFormats = () => {
    const formats = formatsOf(storages.find((storage) => storage.storage === rows.storage.input.value));
    setOptions(rows.format.input, formats.supported.map((format) => [format, format]), formats.default);
  };
  media.addEventListener('change', paintMedia);
  nonet.addEventListener('change', paintNet);
  rows.storage.input.addEventListener('change', paintFormats);
  watchNode(rows, async (node) => {
    const [isos, images, bridges] = await Promise.all([volumeOptions(node, 'iso'), storagesFor(node, 'images'), bridgeOptions(node)]);
    setOptions(rows.iso.input, isos);
    setOptions(rows.bridge.input, bridges);
    storages = images;
    setOptions(rows.storage.input, storageOptions(images));
    paintFormats();
  });
  paintMedia();
  paintNet();
}

export async function createVM(defaultNode) {
  const [nextid, pools] = await Promise.all([api.get('/cluster/nextid'), api.get('/pools').catch(() => [])]);
  const nodes = nodeOptions();
  openWizard({
    title: t('Create: Virtual Machine'), id: 'create-vm', steps: steps(nextid, pools),
    setup: (rows) => { setOptions(rows.node.input, nodes, defaultNode); setup(rows); },
    parameters: vmParameters,
    submit: async (parameters, values) => {
      taskStarted(await api.post(`/nodes/${encodeURIComponent(values.node)}/qemu`, parameters));
    },
  });
}
