// The Datacenter panel: Search, Summary, Options, Storage, Backup and the Permissions entries.
import * as api from '../api.js';
import { h, clear, formatBytes } from '../dom.js';
import { metricGraphs, streamSamples } from '../graphs.js';
import { t, tStatus } from '../i18n.js';
import * as resources from '../resources.js';
import { renderPanel, infoBox, subItem, usageBar } from '../panel.js';
import { aclView, groupsView, rolesView, realmsView } from './access-acl.js';
import { backupJobsView } from './backup-jobs.js';
import { datacenterOptionsView } from './datacenter-options.js';
import { usersView, tokensView } from './access-users.js';
import { tfaView } from './access-tfa.js';
import { poolsView } from './pools.js';
import { searchView } from './search.js';
import { storageConfigView } from './storage-config.js';

function summary(host) {
  const box = h('div', { class: 'summary', id: 'datacenter-summary' });
  host.append(box);
  const paint = () => {
    const entries = [...resources.all()];
    const nodes = entries.filter((e) => e.type === 'node');
    const online = nodes.filter((e) => e.status === 'online').length;
    const count = (type, status) => entries.filter((e) => e.type === type && Number(e.template) !== 1 && (!status || e.status === status)).length;
    const sum = (key) => nodes.reduce((total, node) => total + (node[key] || 0), 0);
    const cpu = nodes.reduce((total, node) => total + (node.cpu || 0) * (node.maxcpu || 0), 0);
    // Without figures (no Sys.Audit on the nodes) there is nothing to add up.
    const figures = nodes.some((node) => node.maxcpu !== undefined);
    const health = nodes.length === 0 ? t('unknown') : online === nodes.length ? tStatus('OK') : t('Degraded');
    clear(box).append(
      infoBox(t('Health'), [
        [t('Status'), health],
        [t('Nodes online'), String(online)],
        [t('Nodes offline'), String(nodes.length - online)],
      ]),
      infoBox(t('Guests'), [
        [t('Virtual Machines'), t('{0} running, {1} stopped', count('qemu', 'running'), count('qemu', 'stopped'))],
        [t('LXC Container'), t('{0} running, {1} stopped', count('lxc', 'running'), count('lxc', 'stopped'))],
        [t('Templates'), String(entries.filter((e) => Number(e.template) === 1).length)],
      ]),
      figures && h('section', { class: 'info-box wide' }, h('h2', {}, t('Resources')),
        usageBar(t('CPU'), cpu, sum('maxcpu'), (value) => t('{0} CPU(s)', value.toFixed(1))),
        usageBar(t('Memory'), sum('mem'), sum('maxmem'), formatBytes),
        usageBar(t('Storage'), sum('disk'), sum('maxdisk'), formatBytes)));
  };
  paint();
  // Each node's graphs, as its own Summary shows them, added as the stream lists the nodes.
  const graphs = new Map();
  const nodeGraphs = h('div', { id: 'datacenter-graphs' });
  host.append(nodeGraphs);
  const addGraphs = () => {
    const names = [...resources.all()].filter((entry) => entry.type === 'node' && entry.maxcpu !== undefined).map((entry) => entry.node).sort();
    for (const node of names.filter((name) => !graphs.has(name))) {
      const section = h('div', { class: 'node-graphs' }, h('h2', {}, t('Node {0}', `'${node}'`)));
      nodeGraphs.append(section);
      graphs.set(node, metricGraphs(section, {
        path: `/nodes/${encodeURIComponent(node)}/rrddata`, kind: 'node', id: `rrd-${node}`, live: streamSamples(`node/${node}`, 'node'),
      }));
    }
  };
  addGraphs();
  const stopAdding = resources.subscribe(addGraphs);
  const unsubscribe = resources.subscribe(paint);
  return () => { unsubscribe(); stopAdding(); for (const stop of graphs.values()) stop(); };
}

/**
 * The entries a user without the privilege would only see fail are left out, as in Proxmox:
 * `[path, privileges]` of each (one of them suffices), checked against /access/permissions.
 */
const needs = {
  summary: ['/', ['Sys.Audit']],
  options: ['/', ['Sys.Audit']],
  storage: ['/', ['Sys.Audit']],
  backup: ['/', ['Sys.Audit']],
  permissions: ['/access', ['Sys.Audit', 'Permissions.Modify']],
  users: ['/access', ['Sys.Audit', 'User.Modify']],
  tokens: ['/access', ['Sys.Audit', 'User.Modify']],
  // Everyone manages their own second factors from the user menu; the list of all users' is here.
  tfa: ['/access', ['Sys.Audit', 'User.Modify']],
  groups: ['/access', ['Sys.Audit', 'Group.Allocate']],
  pools: ['/pool', ['Pool.Audit', 'Pool.Allocate']],
  roles: ['/access', ['Sys.Audit', 'Permissions.Modify']],
  realms: ['/access/realm', ['Sys.Audit', 'Realm.Allocate']],
};

export function datacenterPanel(container, { tab, onTab, onOpen }) {
  const guarded = (item) => (needs[item.id] ? { ...item, when: api.mayAny(...needs[item.id]) } : item);
  return renderPanel(container, {
    title: t('Datacenter'), iconName: 'datacenter', selected: tab || 'summary', onTab,
    items: [
      { id: 'search', label: t('Search'), render: (host) => searchView(host, { onOpen }) },
      { id: 'summary', label: t('Summary'), render: summary },
      { id: 'options', label: t('Options'), render: datacenterOptionsView },
      { id: 'storage', label: t('Storage'), render: storageConfigView },
      { id: 'backup', label: t('Backup'), render: backupJobsView },
      { id: 'permissions', label: t('Permissions'), render: (host) => aclView(host) },
      subItem('users', t('Users'), usersView),
      subItem('tokens', t('API Tokens'), tokensView),
      subItem('tfa', t('Two Factor'), tfaView),
      subItem('groups', t('Groups'), groupsView),
      subItem('pools', t('Pools'), poolsView),
      subItem('roles', t('Roles'), rolesView),
      subItem('realms', t('Realms'), realmsView),
    ].map(guarded),
  });
}
