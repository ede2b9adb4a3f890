// A VM's or container's panel with Proxmox's side menu. The Summary polls status/current
// and carries the power buttons; the other entries live in their own modules.
import * as api from '../api.js';
import { h, clear, formatBytes, formatDuration, formatPercent, tagChips } from '../dom.js';
import { metricGraphs, streamSamples } from '../graphs.js';
import { consoleParams, guestActions, guestPath, openConsole } from '../guest-actions.js';
import { t } from '../i18n.js';
import { menuButton } from '../menu.js';
import * as resources from '../resources.js';
import { renderPanel, infoBox, usageBar } from '../panel.js';
import { taskHistoryView } from '../tasks.js';
import { aclView } from './access-acl.js';
import { guestBackupView } from './backups.js';
import { optionsView } from './guest-options.js';
import { lxcDNS, lxcNetwork, lxcResources } from './lxc-resources.js';
import { hardwareView } from './qemu-hardware.js';
import { snapshotsView } from './snapshots.js';

const buttonIds = ['start', 'shutdown', 'stop', 'reboot', 'console'];

/** Start, Shutdown, Stop, Reboot, Console as buttons; the rest under More. Follows the live status. */
function actionBar(id) {
  const bar = h('div', { class: 'toolbar', id: 'guest-actions' });
  let seen = null;
  const paint = async () => {
    const entry = resources.find(id);
    const key = entry ? `${entry.status}|${entry.template}|${entry.lock}` : null;
    if (!entry || key === seen) return;
    seen = key;
    const actions = await guestActions(entry);
    const buttons = actions.filter((action) => buttonIds.includes(action.id)).map((action) => h('button', {
      type: 'button', id: `guest-${action.id}`, disabled: action.enabled ? null : true, onclick: action.run,
    }, action.label));
    const more = actions.filter((action) => !buttonIds.includes(action.id));
    clear(bar).append(...buttons, menuButton(t('More'), 'guest-more', () => more));
  };
  paint();
  return { bar, stop: resources.subscribe(paint) };
}

function statusRows(entry, status) {
  const template = Number(entry.template) === 1;
  return [
    [t('Status'), template ? t('template') : t(status.qmpstatus === 'paused' ? 'paused' : status.status)],
    [t('Node'), entry.node],
    [t('Name'), status.name || entry.name],
    status.lock && [t('Lock'), status.lock],
    entry.pool && [t('Pool'), entry.pool],
    [t('Tags'), h('span', { class: 'tags' }, tagChips(status.tags ?? entry.tags))],
    [t('Uptime'), formatDuration(status.uptime) || '-'],
  ];
}

function resourceBox(entry, status) {
  const cpu = status.cpu || 0;
  return h('section', { class: 'info-box wide' }, h('h2', {}, t('Resources')),
    usageBar(t('CPU usage'), cpu, 1, formatPercent,
      { text: t('{0} of {1} CPU(s)', formatPercent(cpu), status.cpus ?? entry.maxcpu) }),
    usageBar(t('Memory usage'), status.mem || 0, status.maxmem, formatBytes),
    entry.type === 'lxc' ? usageBar(t('Bootdisk size'), status.disk || 0, status.maxdisk, formatBytes)
      : h('p', { id: 'guest-bootdisk' }, `${t('Bootdisk size')}: ${formatBytes(status.maxdisk)}`));
}

function summary(host, id) {
  const entry = resources.find(id);
  const actions = actionBar(id);
  const box = h('div', { class: 'summary', id: 'guest-summary' });
  host.append(actions.bar, box);
  let timer = null;
  let loading = false;
  let closed = false;
  const load = async () => {
    if (loading || closed) return;
    loading = true;
    clearTimeout(timer);
    try {
      const status = await api.get(`${guestPath(entry)}/status/current`);
      box.dataset.status = status.status;
      clear(box).append(infoBox(t('Status'), statusRows(resources.find(id) || entry, status)), resourceBox(entry, status));
    } catch (failure) {
      clear(box).append(h('p', { class: 'form-error' }, failure.message));
    } finally {
      loading = false;
    }
    if (!closed) timer = setTimeout(load, 2000);
  };
  load();
  // The stream reports a new state at once; the summary then fetches the details.
  const unsubscribe = resources.subscribe(() => { if (resources.find(id)?.status !== box.dataset.status) load(); });
  const graphs = metricGraphs(host, { path: `${guestPath(entry)}/rrddata`, kind: 'guest', live: streamSamples(id, 'guest') });
  return () => { closed = true; clearTimeout(timer); actions.stop(); unsubscribe(); graphs(); };
}

/**
 * The Console entry, as in Proxmox: the console window embedded in the panel while the guest
 * runs (a Start button otherwise), and a button to open it in its own window.
 */
function consoleView(host, id) {
  const area = h('div', { class: 'console-area', id: 'guest-console-area' });
  host.append(area);
  let running = null;
  const paint = () => {
    const entry = resources.find(id);
    if (!entry || (entry.status === 'running') === running) return;
    running = entry.status === 'running';
    const detach = h('button', { type: 'button', id: 'console-window', disabled: running ? null : true, onclick: () => openConsole(entry) },
      t('Open in a new window'));
    if (running) {
      const src = `/console.html?${new URLSearchParams(consoleParams(entry))}`;
      clear(area).append(h('div', { class: 'toolbar' }, detach), h('iframe', { class: 'shell-frame', id: 'guest-console', title: t('Console'), src }));
      return;
    }
    const start = h('button', { type: 'button', id: 'console-start', class: 'primary', disabled: Number(entry.template) === 1 ? true : null,
      onclick: async () => { const actions = await guestActions(entry); actions.find((action) => action.id === 'start').run(); } }, t('Start'));
    clear(area).append(h('div', { class: 'toolbar' }, detach),
      h('div', { class: 'console-stopped' }, h('p', {}, t('Guest not running')), start));
  };
  paint();
  return resources.subscribe(paint);
}

function menuItems(entry, id) {
  const summaryItem = { id: 'summary', label: t('Summary'), render: (host) => summary(host, id) };
  const consoleItem = { id: 'console', label: t('Console'), render: (host) => consoleView(host, id),
    when: api.hasMethod('POST', `/nodes/{node}/${entry.type}/{vmid}/${entry.type === 'qemu' ? 'vncproxy' : 'termproxy'}`) };
  const shared = [
    { id: 'backup', label: t('Backup'), render: (host) => guestBackupView(host, entry), when: api.hasMethod('POST', '/nodes/{node}/vzdump') },
    { id: 'snapshots', label: t('Snapshots'), render: (host) => snapshotsView(host, entry),
      when: api.hasMethod('GET', `/nodes/{node}/${entry.type}/{vmid}/snapshot`) },
    { id: 'tasks', label: t('Task History'), render: (host) => taskHistoryView(host, entry.node, { vmid: entry.vmid }) },
    { id: 'permissions', label: t('Permissions'), render: (host) => aclView(host, { path: `/vms/${entry.vmid}` }) },
  ];
  if (entry.type === 'qemu') {
    return [summaryItem, consoleItem,
      { id: 'hardware', label: t('Hardware'), render: (host) => hardwareView(host, entry) },
      { id: 'options', label: t('Options'), render: (host) => optionsView(host, entry) }, ...shared];
  }
  return [summaryItem, consoleItem,
    { id: 'resources', label: t('Resources'), render: (host) => lxcResources(host, entry) },
    { id: 'network', label: t('Network'), render: (host) => lxcNetwork(host, entry) },
    { id: 'dns', label: t('DNS'), render: (host) => lxcDNS(host, entry) },
    { id: 'options', label: t('Options'), render: (host) => optionsView(host, entry) }, ...shared];
}

function panelTitle(entry) {
  const kind = entry.type === 'lxc' ? t('Container') : t('Virtual Machine');
  return `${kind} ${entry.vmid} (${entry.name || ''}) ${t('on node')} '${entry.node}'`;
}

/** The panel; its title follows the guest's name (a rename arrives through the resource stream). */
function render(container, id, entry, { tab, onTab }) {
  const close = renderPanel(container, { title: panelTitle(entry), iconName: entry.type, selected: tab || 'summary', onTab, items: menuItems(entry, id) });
  const heading = container.querySelector('#panel-title');
  const unsubscribe = resources.subscribe(() => {
    const current = resources.find(id);
    if (current && heading.textContent !== panelTitle(current)) heading.textContent = panelTitle(current);
  });
  return () => { unsubscribe(); close(); };
}

/** The panel appears once the resource stream knows the guest (right after a reload it may not yet). */
export function guestPanel(container, id, options) {
  let close = null;
  const attempt = () => {
    const entry = resources.find(id);
    if (!entry) {
      const text = resources.count() > 0 ? t('{0} does not exist (any more)', id) : t('Loading…');
      clear(container).append(h('p', { class: 'muted panel-message' }, text));
      return;
    }
    if (close) return;
    unsubscribe();
    close = render(container, id, entry, options);
  };
  const unsubscribe = resources.subscribe(attempt);
  attempt();
  return () => { unsubscribe(); if (close) close(); };
}
