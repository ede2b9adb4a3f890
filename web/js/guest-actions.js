// What can be done to a VM or container from its panel, the tree's context menu and the
// Search view's bulk buttons: power actions, clone, convert to template, remove. Each
// action starts a task; the log panel is told at once so the task shows immediately.
import * as api from './api.js';
import { confirmDialog, formDialog, showError } from './dialog.js';
import { t } from './i18n.js';
import { describeTask, reportTaskFailure, taskStarted } from './tasks.js';

const taskTypes = {
  qemu: { start: 'qmstart', shutdown: 'qmshutdown', stop: 'qmstop', reboot: 'qmreboot' },
  lxc: { start: 'vzstart', shutdown: 'vzshutdown', stop: 'vzstop', reboot: 'vzreboot' },
};
const powerLabels = { start: 'Start', shutdown: 'Shutdown', stop: 'Stop', reboot: 'Reboot' };

/** `/nodes/<node>/<qemu|lxc>/<vmid>` for a resource entry. */
export function guestPath(entry) {
  return `/nodes/${encodeURIComponent(entry.node)}/${entry.type}/${entry.vmid}`;
}

const isTemplate = (entry) => Number(entry.template) === 1;
const running = (entry) => entry.status === 'running';

/** Starts a power action without asking; resolves to the task's UPID. */
export async function powerAction(entry, action) {
  return taskStarted(await api.post(`${guestPath(entry)}/status/${action}`));
}

/**
 * A power action from a button or menu: asked first (except Start); when its task fails,
 * the error is shown where the user clicked, not only as a line in the task log.
 */
async function confirmedPower(entry, action) {
  const description = describeTask({ type: taskTypes[entry.type][action], id: String(entry.vmid) });
  if (action !== 'start' && !(await confirmDialog(t('{0}?', description)))) return;
  let upid;
  try { upid = await powerAction(entry, action); } catch (failure) { showError(failure); return; }
  reportTaskFailure(entry.node, upid, description);
}

function removeGuest(entry) {
  formDialog({
    title: t('Destroy {0} {1}', entry.type === 'qemu' ? t('VM') : t('CT'), entry.vmid), submitLabel: t('Remove'),
    fields: [
      { name: 'confirm', label: t('Please enter the ID to confirm ({0})', entry.vmid), required: true,
        validate: (value) => (value.trim() === String(entry.vmid) ? null : t('The ID does not match')) },
      { name: 'purge', label: t('Purge from job configurations'), type: 'checkbox', value: true },
      { name: 'destroy-unreferenced-disks', label: t('Destroy unreferenced disks owned by guest'), type: 'checkbox', value: true },
    ],
    onSubmit: async (values) => {
      taskStarted(await api.del(guestPath(entry), { purge: values.purge, 'destroy-unreferenced-disks': values['destroy-unreferenced-disks'] }));
    },
  });
}

async function cloneGuest(entry) {
  const nextid = await api.get('/cluster/nextid');
  const nameKey = entry.type === 'qemu' ? 'name' : 'hostname';
  formDialog({
    title: t('Clone {0} {1}', entry.type === 'qemu' ? t('VM') : t('CT'), entry.vmid), submitLabel: t('Clone'),
    fields: [
      { name: 'newid', label: t('VM ID'), type: 'number', min: 100, max: 999999999, value: nextid, required: true },
      { name: nameKey, label: entry.type === 'qemu' ? t('Name') : t('Hostname') },
      { name: 'full', label: t('Full Clone'), type: 'checkbox', value: !isTemplate(entry), disabled: !isTemplate(entry) },
      { name: 'storage', label: t('Target Storage'), placeholder: t('Same as source') },
    ],
    onSubmit: async (values) => {
      const parameters = { newid: values.newid, [nameKey]: values[nameKey] || undefined, storage: values.storage || undefined };
      if (isTemplate(entry)) parameters.full = values.full;
      taskStarted(await api.post(`${guestPath(entry)}/clone`, parameters));
    },
  });
}

/** A console in its own window, as Proxmox opens it: `params` says which (console.js). */
export function openConsoleWindow(params, name) {
  const terminal = params.console !== 'kvm';
  window.open(`/console.html?${new URLSearchParams(params)}`, name, terminal ? 'width=900,height=560' : 'width=1024,height=800');
}

/** What console.html needs for a guest's console: a VM's screen (noVNC) or a container's terminal (xterm.js). */
export function consoleParams(entry) {
  return { console: entry.type === 'qemu' ? 'kvm' : 'lxc', node: entry.node, vmid: entry.vmid, vmname: entry.name || '' };
}

/** The guest's console in its own window. */
export function openConsole(entry) {
  openConsoleWindow(consoleParams(entry), `console-${entry.vmid}`);
}

async function convertToTemplate(entry) {
  if (!(await confirmDialog(t('Convert {0} to a template?', entry.vmid)))) return;
  try { taskStarted(await api.post(`${guestPath(entry)}/template`)); } catch (failure) { showError(failure); }
}

/**
 * The actions offered for a guest, in menu order: [{ id, label, enabled, run }]. Clone and
 * convert-to-template appear only when the API serves them.
 */
export async function guestActions(entry) {
  const base = `/nodes/{node}/${entry.type}/{vmid}`;
  const [canClone, canTemplate, canConsole] = await Promise.all([
    api.hasMethod('POST', `${base}/clone`), api.hasMethod('POST', `${base}/template`),
    api.hasMethod('POST', `${base}/${entry.type === 'qemu' ? 'vncproxy' : 'termproxy'}`),
  ]);
  const power = (action, enabled) => ({ id: action, label: t(powerLabels[action]), enabled, run: () => confirmedPower(entry, action) });
  const live = !isTemplate(entry);
  return [
    power('start', live && !running(entry)),
    power('shutdown', running(entry)),
    power('stop', running(entry)),
    power('reboot', running(entry)),
    canConsole && { id: 'console', label: t('Console'), enabled: running(entry), run: () => openConsole(entry) },
    canClone && { id: 'clone', label: t('Clone'), enabled: true, run: () => cloneGuest(entry).catch(showError) },
    canTemplate && { id: 'template', label: t('Convert to template'), enabled: live && !running(entry), run: () => convertToTemplate(entry) },
    { id: 'remove', label: t('Remove'), enabled: !running(entry), run: () => removeGuest(entry) },
  ].filter(Boolean);
}
