// The Search view of the Datacenter and the nodes: every resource in one grid with
// filter-as-you-type and sortable columns, kept current by the resource stream.
import { confirmDialog, showError } from '../dialog.js';
import { h, formatBytes, formatPercent, formatDuration, tagChips } from '../dom.js';
import { powerAction } from '../guest-actions.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';

export function searchView(host, { node, onOpen }) {
  const filter = h('input', { type: 'search', id: 'resource-search', class: 'filter', placeholder: t('Search'), 'aria-label': t('Search') });
  const gridHost = h('div', { class: 'grid-host' });
  const bulk = ['start', 'shutdown', 'stop'].map((action) => h('button', {
    type: 'button', id: `bulk-${action}`, disabled: true, onclick: () => bulkAction(action, grid.selected()),
  }, { start: t('Bulk Start'), shutdown: t('Bulk Shutdown'), stop: t('Bulk Stop') }[action]));
  host.append(h('div', { class: 'toolbar' }, filter, h('span', { class: 'spacer' }), bulk), gridHost);
  const usage = (used, max) => (max ? used / max : 0);
  const grid = new Grid(gridHost, {
    label: t('Search'), multiSelect: true, onActivate: (entry) => onOpen(entry.id),
    onSelectionChange: (rows) => {
      bulk.forEach((button, index) => { button.disabled = eligible(['start', 'shutdown', 'stop'][index], rows).length === 0; });
    },
    columns: [
      { key: 'type', label: t('Type'), width: '110px', render: (e) => t(e.type) },
      { key: 'description', label: t('Description'), width: 'minmax(180px, 2fr)', value: resources.describe },
      { key: 'disk', label: t('Disk usage'), width: '110px', align: 'right', value: (e) => usage(e.disk, e.maxdisk), render: (e) => (e.maxdisk ? formatPercent(usage(e.disk, e.maxdisk)) : '') },
      { key: 'mem', label: t('Memory usage'), width: '110px', align: 'right', value: (e) => usage(e.mem, e.maxmem), render: (e) => (e.maxmem ? formatPercent(usage(e.mem, e.maxmem)) : '') },
      { key: 'cpu', label: t('CPU usage'), width: '110px', align: 'right', value: (e) => e.cpu || 0, render: (e) => (e.maxcpu ? `${formatPercent(e.cpu)} ${t('of {0} CPU(s)', e.maxcpu)}` : '') },
      { key: 'maxmem', label: t('Memory size'), width: '100px', align: 'right', render: (e) => formatBytes(e.maxmem) },
      { key: 'uptime', label: t('Uptime'), width: '110px', align: 'right', render: (e) => formatDuration(e.uptime) },
      { key: 'tags', label: t('Tags'), width: 'minmax(100px, 1fr)', render: (e) => h('span', { class: 'tags' }, tagChips(e.tags)) },
    ],
  });
  let seen = -1;
  const update = () => {
    if (seen === resources.currentRevision()) return;
    seen = resources.currentRevision();
    grid.setRows([...resources.all()].filter((entry) => !node || entry.node === node));
    grid.onSelectionChange(grid.selected());
  };
  filter.addEventListener('input', () => grid.setFilter(filter.value));
  update();
  requestAnimationFrame(() => filter.focus());
  return resources.subscribe(update);
}

/** The selected guests an action applies to: start the stopped ones, shut down or stop the running ones. */
function eligible(action, rows) {
  return rows.filter((entry) => (entry.type === 'qemu' || entry.type === 'lxc') && Number(entry.template) !== 1
    && (action === 'start' ? entry.status !== 'running' : entry.status === 'running'));
}

async function bulkAction(action, rows) {
  const guests = eligible(action, rows);
  const question = { start: t('Start {0} guests?', guests.length), shutdown: t('Shut down {0} guests?', guests.length),
    stop: t('Stop {0} guests?', guests.length) }[action];
  if (!guests.length || !(await confirmDialog(question))) return;
  const failures = [];
  // A few requests at a time: each starts a task, and thousands at once would swamp the node.
  for (let first = 0; first < guests.length; first += 8) {
    const batch = guests.slice(first, first + 8);
    const results = await Promise.allSettled(batch.map((entry) => powerAction(entry, action)));
    results.forEach((result, index) => { if (result.status === 'rejected') failures.push(`${batch[index].vmid}: ${result.reason.message}`); });
  }
  if (failures.length) showError(new Error(failures.join('\n')));
}
