// Datacenter → Backup: the backup jobs of /cluster/backup (add, edit, run now, remove, next
// run) and the guests no job covers (/cluster/backup-info/not-backed-up).
import * as api from '../api.js';
import { formDialog, openWindow, showError } from '../dialog.js';
import { h } from '../dom.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';
import { openTaskLog } from '../tasks.js';
import { crudList, yesNo } from './crud.js';

const modes = [['snapshot', t('Snapshot')], ['suspend', t('Suspend')], ['stop', t('Stop')]];
const compressions = [['zstd', 'ZSTD'], ['gzip', 'GZIP'], ['lzo', 'LZO'], ['0', t('none')]];
const jobOnly = new Set(['id', 'type', 'schedule', 'enabled', 'comment', 'repeat-missed', 'next-run']);

function jobFields(job = {}) {
  return [
    { name: 'schedule', label: t('Schedule'), required: true, value: job.schedule ?? '00:00', placeholder: 'sat 02:00' },
    { name: 'storage', label: t('Storage'), value: job.storage ?? 'local' },
    { name: 'vmid', label: t('VMID'), value: job.vmid ?? '', placeholder: '100,101' },
    { name: 'all', label: t('All'), type: 'checkbox', value: Number(job.all) === 1 },
    { name: 'mode', label: t('Mode'), type: 'select', options: modes, value: job.mode ?? 'snapshot' },
    { name: 'compress', label: t('Compression'), type: 'select', options: compressions, value: job.compress ?? 'zstd' },
    { name: 'prune-backups', label: t('Retention'), placeholder: 'keep-last=3',
      value: job['prune-backups'] ? Object.entries(job['prune-backups']).map(([key, value]) => `${key}=${value}`).join(',') : '' },
    { name: 'notes-template', label: t('Notes'), value: job['notes-template'] ?? '{{guestname}}' },
    { name: 'enabled', label: t('Enable'), type: 'checkbox', value: job.enabled === undefined || Number(job.enabled) === 1 },
    { name: 'comment', label: t('Comment'), value: job.comment ?? '' },
  ];
}

/** The form's values as job parameters: empty fields left out (or deleted on edit). */
function jobParameters(values, editing) {
  const parameters = {};
  const deleted = [];
  for (const [key, value] of Object.entries(values)) {
    if (key === 'all' || key === 'enabled') parameters[key] = value ? 1 : 0;
    else if (value !== '') parameters[key] = value;
    else if (editing) deleted.push(key);
  }
  if (parameters.all === 0) delete parameters.all;
  // With "all", the API drops a VMID list itself; there is nothing to delete by hand.
  const deletions = parameters.all === 1 ? deleted.filter((key) => key !== 'vmid') : deleted;
  if (parameters.all === 1) delete parameters.vmid;
  if (editing && deletions.length) parameters.delete = deletions.join(',');
  return parameters;
}

/** Run now: the job's options posted to every online node, each opening its task. */
async function runNow(job) {
  const nodes = [...resources.all()].filter((entry) => entry.type === 'node' && entry.status === 'online')
    .map((entry) => entry.node).filter((node) => !job.node || node === job.node);
  for (const node of nodes) {
    const parameters = {};
    for (const [key, value] of Object.entries(job)) {
      if (jobOnly.has(key) || key === 'node') continue;
      parameters[key] = key === 'prune-backups' ? Object.entries(value).map(([k, v]) => `${k}=${v}`).join(',') : value;
    }
    try {
      const upid = await api.post(`/nodes/${node}/vzdump`, parameters);
      if (upid && upid !== 'OK') openTaskLog(node, upid);
    } catch (failure) { showError(failure); }
  }
}

function notCovered() {
  const win = openWindow(t('Guests without backup job'), { className: 'form-window' });
  const host = h('div', { class: 'grid-host', id: 'not-backed-up' });
  win.body.append(host);
  win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Close')));
  const grid = new Grid(host, {
    label: t('Guests without backup job'), rowKey: (guest) => String(guest.vmid),
    columns: [{ key: 'vmid', label: t('ID') }, { key: 'type', label: t('Type') }, { key: 'name', label: t('Name'), width: '2fr' }],
  });
  api.get('/cluster/backup-info/not-backed-up').then((guests) => grid.setRows(guests)).catch(showError);
}

export function backupJobsView(host) {
  const date = (epoch) => (epoch ? new Date(epoch * 1000).toLocaleString() : '');
  crudList(host, {
    label: 'backup-jobs', rowKey: (job) => job.id, load: () => api.get('/cluster/backup'),
    columns: [
      { key: 'enabled', label: t('Enabled'), width: '80px', render: (job) => yesNo(job.enabled) },
      { key: 'node', label: t('Node'), render: (job) => job.node || t('All') },
      { key: 'schedule', label: t('Schedule') },
      { key: 'next-run', label: t('Next Run'), render: (job) => date(job['next-run']) },
      { key: 'storage', label: t('Storage') },
      { key: 'selection', label: t('Selection'), width: '2fr',
        render: (job) => (job.vmid ? job.vmid : job.pool ? `${t('Pool')} ${job.pool}` : t('All') + (job.exclude ? ` − ${job.exclude}` : '')) },
      { key: 'comment', label: t('Comment'), width: '2fr' },
    ],
    add: (reload) => formDialog({
      title: t('Create: Backup Job'), fields: jobFields(),
      // The id Proxmox's GUI makes: "backup-" and the start of a UUID.
      onSubmit: async (values) => {
        await api.post('/cluster/backup', { id: `backup-${crypto.randomUUID().slice(0, 13)}`, ...jobParameters(values, false) });
        reload();
      },
    }),
    edit: (job, reload) => formDialog({
      title: t('Edit: Backup Job'), fields: jobFields(job),
      onSubmit: async (values) => { await api.put(`/cluster/backup/${encodeURIComponent(job.id)}`, jobParameters(values, true)); reload(); },
    }),
    remove: (job) => api.del(`/cluster/backup/${encodeURIComponent(job.id)}`),
    describe: (job) => job.id,
    buttons: [
      { id: 'run', label: t('Run now'), action: (job) => runNow(job) },
      { id: 'not-covered', label: t('Guests without backup job'), needsSelection: false, action: () => notCovered() },
    ],
  });
}
