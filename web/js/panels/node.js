// A node's panel: Search, Summary (GET /nodes/{node}/status), Notes (description in
// /nodes/{node}/config, Markdown), Shell (the console window embedded), System (DNS, Hosts,
// Time, Syslog) and Task History
// (GET /nodes/{node}/tasks).
import * as api from '../api.js';
import { formDialog } from '../dialog.js';
import { openConsoleWindow } from '../guest-actions.js';
import { h, clear, formatBytes, formatPercent, formatDuration } from '../dom.js';
import { metricGraphs, streamSamples } from '../graphs.js';
import { t } from '../i18n.js';
import { renderMarkdown } from '../markdown.js';
import { renderPanel, infoBox, subItem, usageBar } from '../panel.js';
import { taskHistoryView } from '../tasks.js';
import { dnsView, hostsView, syslogView, timeView } from './node-system.js';
import { searchView } from './search.js';

const nodePath = (node) => `/nodes/${encodeURIComponent(node)}`;

function summary(host, node) {
  const box = h('div', { class: 'summary', id: 'node-summary' });
  host.append(box);
  let timer = null;
  let closed = false;
  const load = async () => {
    try {
      const status = await api.get(`${nodePath(node)}/status`);
      clear(box).append(
        h('section', { class: 'info-box wide' }, h('h2', {}, t('Status')),
          usageBar(t('CPU usage'), status.cpu, 1, (value) => formatPercent(value)),
          usageBar(t('RAM usage'), status.memory.used, status.memory.total, formatBytes),
          usageBar(t('SWAP usage'), status.swap.used, status.swap.total, formatBytes),
          usageBar(t('HD space (root)'), status.rootfs.used, status.rootfs.total, formatBytes)),
        infoBox(t('Details'), [
          [t('Load average'), status.loadavg.join(', ')],
          [t('IO delay'), formatPercent(status.wait || 0)],
          [t('Uptime'), formatDuration(status.uptime)],
          [t('CPU(s)'), t('{0} x {1} ({2} Sockets)', status.cpuinfo.cpus, status.cpuinfo.model, status.cpuinfo.sockets)],
          [t('Kernel Version'), status.kversion],
          [t('Boot Mode'), status['boot-info']?.mode === 'efi' ? 'EFI' : 'Legacy BIOS'],
          [t('Manager Version'), status.pveversion],
        ]));
    } catch (failure) {
      clear(box).append(h('p', { class: 'form-error' }, failure.message));
    }
    // A request still under way when the view closes must not start the next round.
    if (!closed) timer = setTimeout(load, 3000);
  };
  load();
  const graphs = metricGraphs(host, { path: `${nodePath(node)}/rrddata`, kind: 'node', live: streamSamples(`node/${node}`, 'node') });
  return () => { closed = true; clearTimeout(timer); graphs(); };
}

function notes(host, node) {
  const view = h('div', { class: 'notes', id: 'node-notes' });
  const edit = h('button', { type: 'button', id: 'notes-edit' }, t('Edit'));
  host.append(h('div', { class: 'toolbar' }, edit), view);
  let current = { description: '' };
  const load = async () => {
    try {
      current = await api.get(`${nodePath(node)}/config`);
      clear(view).append(current.description ? renderMarkdown(current.description) : h('p', { class: 'muted' }, t('No notes yet')));
    } catch (failure) {
      clear(view).append(h('p', { class: 'form-error' }, failure.message));
    }
  };
  edit.addEventListener('click', () => formDialog({
    title: t('Notes'), className: 'wide',
    fields: [{ name: 'description', label: t('Notes (Markdown)'), type: 'textarea', rows: 14, value: current.description || '' }],
    onSubmit: async (values) => {
      const parameters = values.description.trim() ? { description: values.description } : { delete: 'description' };
      if (current.digest) parameters.digest = current.digest;
      await api.put(`${nodePath(node)}/config`, parameters);
      load();
    },
  }));
  load();
}

/** The node's shell (xterm.js through termproxy), in the panel as in Proxmox, or in its own window. */
function shell(host, node) {
  const params = { console: 'shell', node };
  const frame = h('iframe', { class: 'shell-frame', id: 'node-shell', title: t('Shell'), src: `/console.html?${new URLSearchParams(params)}` });
  const detach = h('button', { type: 'button', id: 'shell-window', onclick: () => openConsoleWindow(params, `shell-${node}`) },
    t('Open in a new window'));
  host.append(h('div', { class: 'toolbar' }, detach), frame);
}

export function nodePanel(container, node, { tab, onTab, onOpen }) {
  // Every user sees the node; its entries need the privileges their API methods check.
  const audit = api.mayAny(`/nodes/${node}`, ['Sys.Audit']);
  const auditRoot = api.mayAny('/', ['Sys.Audit']);
  const shellAllowed = Promise.all([api.hasMethod('POST', '/nodes/{node}/termproxy'), api.mayAny(`/nodes/${node}`, ['Sys.Console'])])
    .then((answers) => answers.every(Boolean));
  const guarded = (item, when) => ({ ...item, when });
  return renderPanel(container, {
    title: t('Node {0}', `'${node}'`), iconName: 'node', selected: tab || 'summary', onTab,
    items: [
      { id: 'search', label: t('Search'), render: (host) => searchView(host, { node, onOpen }) },
      { id: 'summary', label: t('Summary'), render: (host) => summary(host, node), when: audit },
      { id: 'notes', label: t('Notes'), render: (host) => notes(host, node), when: auditRoot },
      { id: 'shell', label: t('Shell'), render: (host) => shell(host, node), when: shellAllowed },
      // Like Proxmox's System entry, which opens its first sub-entry (DNS here: Faro has no Network view yet).
      { id: 'system', label: t('System'), render: (host) => dnsView(host, node), when: audit },
      guarded(subItem('dns', t('DNS'), (host) => dnsView(host, node)), audit),
      guarded(subItem('hosts', t('Hosts'), (host) => hostsView(host, node)), auditRoot),
      guarded(subItem('time', t('Time'), (host) => timeView(host, node)), audit),
      guarded(subItem('syslog', t('Syslog'), (host) => syslogView(host, node)), audit),
      { id: 'tasks', label: t('Task History'), render: (host) => taskHistoryView(host, node) },
    ],
  });
}
