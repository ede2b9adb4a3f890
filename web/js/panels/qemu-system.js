// The Hardware dialogs for a VM's memory, processors, BIOS, display, machine and SCSI
// controller. Each writes only what the user changed; empty values go back to the default.
import { formDialog } from '../dialog.js';
import { effective, updateConfig } from '../guest-config.js';
import { t } from '../i18n.js';
import { bioses, cpuTypes, displays, machines, scsiControllers } from '../qemu-choices.js';

const valueOf = (items, key, fallback = '') => effective(items.get(key)) ?? fallback;

/** Sends the keys whose value differs from what the config has. */
function changed(items, values) {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => String(value) !== String(valueOf(items, key))));
}

async function save({ entry, items, digest, reload }, values) {
  const changes = changed(items, values);
  if (Object.keys(changes).length) await updateConfig(entry, changes, digest);
  reload();
}

export function editMemory(context) {
  const memory = String(valueOf(context.items, 'memory', '512')).replace(/^current=/, '');
  const balloon = valueOf(context.items, 'balloon', '');
  formDialog({
    title: t('Edit: {0}', t('Memory')),
    fields: [
      { name: 'memory', label: t('Memory (MiB)'), type: 'number', min: 16, max: 268435456, value: memory, required: true },
      { name: 'balloon', label: t('Minimum memory (MiB)'), type: 'number', min: 0, max: 268435456, value: balloon === '0' ? '' : balloon,
        validate: (value, values) => (Number(value) > Number(values.memory) ? t('Minimum memory must not exceed the memory') : null) },
      { name: 'ballooning', label: t('Ballooning Device'), type: 'checkbox', value: balloon !== '0' },
    ],
    onSubmit: (values) => save(context, { memory: values.memory, balloon: values.ballooning ? values.balloon : '0' }),
  });
}

export function editProcessors(context) {
  const { items } = context;
  formDialog({
    title: t('Edit: {0}', t('Processors')),
    fields: [
      { name: 'sockets', label: t('Sockets'), type: 'number', min: 1, max: 4, value: valueOf(items, 'sockets', '1'), required: true },
      { name: 'cores', label: t('Cores'), type: 'number', min: 1, max: 128, value: valueOf(items, 'cores', '1'), required: true },
      { name: 'cpu', label: t('Type'), type: 'select', options: [['', `${t('Default')} (kvm64)`], ...cpuTypes()], value: valueOf(items, 'cpu') },
    ],
    onSubmit: (values) => save(context, values),
  });
}

function selectDialog(context, key, title, options) {
  formDialog({
    title: t('Edit: {0}', title),
    fields: [{ name: key, label: title, type: 'select', options, value: valueOf(context.items, key) }],
    onSubmit: (values) => save(context, values),
  });
}

export const editBIOS = (context) => selectDialog(context, 'bios', t('BIOS'), bioses());
export const editDisplay = (context) => selectDialog(context, 'vga', t('Graphic card'), displays());
export const editMachine = (context) => selectDialog(context, 'machine', t('Machine'), machines());
export const editSCSIController = (context) => selectDialog(context, 'scsihw', t('SCSI Controller'), scsiControllers());
