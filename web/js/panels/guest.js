// A VM's or container's panel. Until the guest APIs exist it shows what /cluster/resources
// knows (kept live by the resource stream), and the guest's pool and tags.
import { h, clear, formatBytes, formatDuration, tagChips } from '../dom.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';
import { renderPanel, infoBox, usageBar } from '../panel.js';

function summary(host, id) {
  const box = h('div', { class: 'summary', id: 'guest-summary' });
  host.append(box);
  const paint = () => {
    const entry = resources.find(id);
    if (!entry) {
      clear(box).append(h('p', { class: 'muted' }, t('{0} does not exist (any more)', id)));
      return;
    }
    const template = Number(entry.template) === 1;
    clear(box).append(
      infoBox(t('Status'), [
        [t('Status'), template ? t('template') : t(entry.status)],
        [t('Node'), entry.node],
        [t('Name'), entry.name],
        entry.lock && [t('Lock'), entry.lock],
        entry.pool && [t('Pool'), entry.pool],
        [t('Tags'), h('span', { class: 'tags' }, tagChips(entry.tags))],
        [t('Uptime'), formatDuration(entry.uptime) || '-'],
      ]),
      h('section', { class: 'info-box wide' }, h('h2', {}, t('Resources')),
        usageBar(t('CPU usage'), entry.cpu || 0, 1, () => t('{0} of {1} CPU(s)', `${((entry.cpu || 0) * 100).toFixed(1)} %`, entry.maxcpu)),
        usageBar(t('Memory usage'), entry.mem || 0, entry.maxmem, formatBytes),
        h('p', {}, `${t('Bootdisk size')}: ${formatBytes(entry.maxdisk)}`)));
  };
  paint();
  return resources.subscribe(paint);
}

export function guestPanel(container, id, { tab, onTab }) {
  const entry = resources.find(id);
  const kind = id.startsWith('lxc/') ? t('Container') : t('Virtual Machine');
  const title = entry ? `${kind} ${entry.vmid} (${entry.name || ''}) ${t('on node')} '${entry.node}'` : `${kind} ${id.split('/')[1]}`;
  return renderPanel(container, {
    title, iconName: id.startsWith('lxc/') ? 'lxc' : 'qemu', selected: tab || 'summary', onTab,
    items: [{ id: 'summary', label: t('Summary'), render: (host) => summary(host, id) }],
  });
}
