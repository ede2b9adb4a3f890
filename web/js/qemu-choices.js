// The choices Proxmox offers for VM hardware, shared by the Create VM wizard and the
// Hardware dialogs: [value, label] pairs, the default first where there is one.
import { t } from './i18n.js';

export const cpuTypes = () => ['x86-64-v2-AES', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4', 'kvm64', 'qemu64', 'host', 'max']
  .map((name) => [name, name]);

export const displays = () => [['', t('Default')], ['std', t('Standard VGA')], ['virtio', 'VirtIO-GPU'], ['qxl', 'SPICE'],
  ['vmware', t('VMware compatible')], ['cirrus', 'Cirrus Logic GD5446'], ['serial0', t('Serial terminal 0')], ['none', t('none')]];

export const machines = () => [['', `${t('Default')} (i440fx)`], ['q35', 'q35']];

export const bioses = () => [['', `${t('Default')} (SeaBIOS)`], ['ovmf', 'OVMF (UEFI)']];

export const scsiControllers = () => [['', `${t('Default')} (LSI 53C895A)`], ['virtio-scsi-single', 'VirtIO SCSI single'],
  ['virtio-scsi-pci', 'VirtIO SCSI'], ['lsi', 'LSI 53C895A'], ['lsi53c810', 'LSI 53C810'], ['megasas', 'MegaRAID SAS 8708EM2'],
  ['pvscsi', 'VMware PVSCSI']];

export const nicModels = ['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er',
  'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3'];

export const nicModelOptions = () => [['virtio', t('VirtIO (paravirtualized)')], ['e1000', 'Intel E1000'], ['e1000e', 'Intel E1000E'],
  ['rtl8139', 'Realtek RTL8139'], ['vmxnet3', 'VMware vmxnet3']];

export const cacheModes = () => [['', `${t('Default')} (${t('No cache')})`], ['directsync', 'Direct sync'], ['writethrough', 'Write through'],
  ['writeback', 'Write back'], ['unsafe', `Write back (${t('unsafe')})`], ['none', t('No cache')]];

export const buses = [['scsi', 'SCSI', 31], ['virtio', 'VirtIO Block', 16], ['sata', 'SATA', 6], ['ide', 'IDE', 4]];

/** The first free `<bus><n>` among the config's keys. */
export function freeSlot(bus, keys) {
  const limit = (buses.find(([name]) => name === bus) || [bus, bus, 32])[2];
  for (let index = 0; index < limit; index += 1) if (!keys.has(`${bus}${index}`)) return `${bus}${index}`;
  return null;
}
