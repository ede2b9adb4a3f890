// The Search view of the Datacenter and the nodes: every resource in one grid with
// filter-as-you-type and sortable columns, kept current by the resource stream.
import { h, formatBytes, formatPercent, formatDuration, tagChips } from '../dom.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';

export function searchView(host, { node, onOpen }) {
  const filter = h('input', { type: 'search', id: 'resource-search', class: 'filter', placeholder: t('Search'), 'aria-label': t('Search') });
  const gridHost = h('div', { class: 'grid-host' });
  host.append(h('div', { class: 'toolbar' }, filter), gridHost);
  const usage = (used, max) => (max ? used / max : 0);
  const grid = new Grid(gridHost, {
    label: t('Search'), multiSelect: true, onActivate: (entry) => onOpen(entry.id),
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
  };
  filter.addEventListener('input', () => grid.setFilter(filter.value));
  update();
  requestAnimationFrame(() => filter.focus());
  return resources.subscribe(update);
}
