// The log panel at the bottom (recent tasks of the cluster, refreshed while the GUI is open)
// and the task log window, which follows a running task and can stop it.
import * as api from './api.js';
import { openWindow, showError } from './dialog.js';
import { h, clear, formatTime } from './dom.js';
import { Grid } from './grid.js';
import { t, tStatus } from './i18n.js';

const taskNames = {
  qmstart: 'Start', qmstop: 'Stop', qmshutdown: 'Shutdown', qmreboot: 'Reboot', qmcreate: 'Create', qmdestroy: 'Destroy',
  qmclone: 'Clone', qmigrate: 'Migrate', qmsnapshot: 'Snapshot', vzstart: 'Start', vzstop: 'Stop', vzshutdown: 'Shutdown',
  vzcreate: 'Create', vzdestroy: 'Destroy', vzdump: 'Backup', startall: 'Start all VMs and Containers',
  stopall: 'Stop all VMs and Containers', aptupdate: 'Update package database', download: 'Download',
  qmdelsnapshot: 'Delete Snapshot', qmrollback: 'Rollback', qmreset: 'Reset', qmsuspend: 'Pause', qmresume: 'Resume',
  qmconfig: 'Configure', resize: 'Resize', vzreboot: 'Reboot', imgcopy: 'Copy data', imgdel: 'Erase data',
  prunebackups: 'Prune Backups', qmtemplate: 'Convert to template', vztemplate: 'Convert to template',
  vzsnapshot: 'Snapshot', vzrollback: 'Rollback', vzdelsnapshot: 'Delete Snapshot', vzclone: 'Clone',
  qmmove: 'Move disk', move_volume: 'Move Volume', vncproxy: 'Console', vncshell: 'Shell', qmrestore: 'Restore', vzrestore: 'Restore',
};

/** Task types that concern a VM or a container without saying which: `VM/CT 150 - Console`. */
const guestTypes = new Set(['vncproxy', 'spiceproxy', 'vzdump']);

const started = new Set();
/** The exit status of a task stopped on request (Proxmox's words). */
const stoppedStatus = 'received interrupt';

/** Tells the log panel that a task began, so it shows without waiting for the next refresh. */
export function taskStarted(upid) {
  for (const listener of started) listener(upid);
  return upid;
}

/** Resolves when the task ends; rejects with its exit status when that is not OK. */
export async function waitForTask(node, upid, { interval = 500 } = {}) {
  const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`;
  for (;;) {
    const status = await api.get(path);
    if (status.status !== 'running') {
      if (status.exitstatus !== 'OK' && !String(status.exitstatus || '').startsWith('WARNINGS')) {
        throw new api.APIError(500, status.exitstatus || t('unknown error'));
      }
      return status;
    }
    await new Promise((resolve) => { setTimeout(resolve, interval); });
  }
}

/**
 * Follows a task the user just started and, when it fails, says so in a message window with
 * the task's exit status and a button to its log.
 */
export function reportTaskFailure(node, upid, description) {
  waitForTask(node, upid).catch((failure) => {
    // A task the user stopped from its log window ended as asked: no surprise to report.
    if (!api.currentUser() || failure.message === stoppedStatus) return;
    const win = openWindow(t('Error'), { className: 'confirm-window task-failed' });
    win.body.append(
      h('p', {}, t('{0} failed:', description)),
      h('pre', { class: 'error-text', role: 'alert', id: 'task-failure' }, failure.message));
    const ok = h('button', { type: 'button', class: 'primary', onclick: win.close }, t('OK'));
    const log = h('button', { type: 'button', id: 'task-failure-log', onclick: () => { win.close(); openTaskLog(node, upid); } },
      t('Show task log'));
    win.footer.append(log, ok);
    requestAnimationFrame(() => ok.focus());
  });
}

/** Task History of a node or one guest (`vmid`), newest first, refreshed while shown. */
export function taskHistoryView(host, node, { vmid } = {}) {
  const errors = h('input', { type: 'checkbox', id: 'tasks-errors' });
  const gridHost = h('div', { class: 'grid-host' });
  host.append(h('div', { class: 'toolbar' }, h('label', {}, errors, ' ', t('Errors only'))), gridHost);
  const grid = new Grid(gridHost, {
    label: t('Task History'), rowKey: (task) => task.upid, columns: taskColumns(),
    onActivate: (task) => openTaskLog(task.node, task.upid),
  });
  let signature = null;
  const load = async () => {
    try {
      const tasks = await api.get(`/nodes/${encodeURIComponent(node)}/tasks`, { limit: 500, vmid, errors: errors.checked ? 1 : undefined });
      if (JSON.stringify(tasks) !== signature) grid.setRows(tasks);
      signature = JSON.stringify(tasks);
    } catch (failure) {
      showError(failure);
    }
  };
  errors.addEventListener('change', load);
  load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}

/** Proxmox's task description: `VM 100 - Start`, or the bare type. */
export function describeTask(task) {
  const name = t(taskNames[task.type] || task.type);
  if (!task.id) return name;
  const kind = guestTypes.has(task.type) ? t('VM/CT') : task.type.startsWith('qm') ? t('VM') : task.type.startsWith('vz') ? t('CT') : '';
  return `${kind ? `${kind} ` : ''}${task.id} - ${name}`;
}

/** `OK`, `WARNINGS: n` or the error, as Proxmox shows them in every language. */
export function taskStatus(task) {
  if (!task.endtime && !task.status) return t('running');
  return task.status ? tStatus(task.status) : '';
}

export function taskColumns() {
  return [
    { key: 'starttime', label: t('Start Time'), width: '170px', render: (task) => formatTime(task.starttime) },
    { key: 'endtime', label: t('End Time'), width: '170px', render: (task) => formatTime(task.endtime) },
    { key: 'node', label: t('Node'), width: '110px' },
    { key: 'user', label: t('User name'), width: '140px' },
    { key: 'description', label: t('Description'), value: describeTask },
    {
      key: 'status', label: t('Status'), width: '200px', value: taskStatus,
      render: (task) => h('span', { class: `task-status ${task.status && task.status !== 'OK' ? 'error' : ''}` }, taskStatus(task)),
    },
  ];
}

export class LogPanel {
  constructor(container) {
    this.container = container;
    const gridHost = h('div', { class: 'log-grid' });
    clear(container).append(h('div', { class: 'panel-tabs' }, h('span', { class: 'tab active' }, t('Tasks'))), gridHost);
    this.grid = new Grid(gridHost, {
      columns: taskColumns(), rowKey: (task) => task.upid, label: t('Tasks'),
      onActivate: (task) => openTaskLog(task.node, task.upid),
    });
    this.onStarted = () => this.refresh();
    started.add(this.onStarted);
    this.refresh();
  }

  async refresh() {
    clearTimeout(this.timer);
    try {
      const tasks = await api.get('/cluster/tasks');
      tasks.sort((a, b) => b.starttime - a.starttime);
      // Repainting an unchanged list would swallow a double click that spans the refresh.
      const signature = JSON.stringify(tasks);
      if (signature !== this.signature) this.grid.setRows(tasks);
      this.signature = signature;
      this.running = tasks.some((task) => !task.endtime && !task.status);
    } catch {
      // A failed refresh keeps the last list; the next one tries again.
    }
    if (api.currentUser()) this.timer = setTimeout(() => this.refresh(), this.running ? 1000 : 3000);
  }

  stop() {
    clearTimeout(this.timer);
    started.delete(this.onStarted);
  }
}

/** Opens the log of one task and follows it until it ends. */
export function openTaskLog(node, upid) {
  let timer = null;
  let lines = 0;
  const win = openWindow(t('Task viewer: {0}', upid), { className: 'task-window', onClose: () => clearTimeout(timer) });
  const status = h('span', { class: 'task-state', id: 'task-state' }, t('running'));
  const stop = h('button', { type: 'button', id: 'task-stop', disabled: true }, t('Stop'));
  const output = h('pre', { class: 'task-log', id: 'task-log', tabindex: '0', 'aria-live': 'polite' });
  const base = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}`;
  win.body.append(h('div', { class: 'toolbar' }, stop, h('span', { class: 'spacer' }), t('Status'), ': ', status), output);
  win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Close')));
  stop.addEventListener('click', async () => {
    stop.disabled = true;
    try { await api.del(base); } catch (failure) { showError(failure); }
  });

  async function poll() {
    try {
      const info = await api.get(`${base}/status`);
      const log = await api.get(`${base}/log`, { start: lines, limit: 1000 });
      if (log.length) {
        const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
        output.append(log.map((line) => `${line.t}\n`).join(''));
        lines = log[log.length - 1].n;
        if (atBottom) output.scrollTop = output.scrollHeight;
      }
      const running = info.status === 'running';
      status.textContent = running ? t('running') : info.exitstatus ? tStatus(info.exitstatus) : t('stopped');
      win.element.dataset.state = running ? 'running' : 'stopped';
      stop.disabled = !running;
      if (running) timer = setTimeout(poll, 1000);
    } catch (failure) {
      status.textContent = failure.message;
    }
  }
  poll();
  requestAnimationFrame(() => output.focus());
  return win;
}
