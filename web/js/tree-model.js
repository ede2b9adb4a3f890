// Builds the rows of the resource tree for one of the four views (server, folder, pool, tag)
// and flattens them by the expanded state. Pure: entries in, rows out.
import { t } from './i18n.js';
import { appearance, describe } from './resources.js';

export const views = ['server', 'folder', 'pool', 'tag'];

const byVMID = (a, b) => (a.vmid || 0) - (b.vmid || 0);
const byName = (a, b) => describe(a).localeCompare(describe(b));
const isGuest = (entry) => entry.type === 'qemu' || entry.type === 'lxc';

function leaf(entry, parentKey) {
  const look = appearance(entry);
  return {
    key: `${parentKey}>${entry.id}`, label: describe(entry), icon: look.icon, status: look.status,
    locked: look.locked, dimmed: Boolean(look.dimmed), tags: entry.tags, target: { kind: targetKind(entry), id: entry.id }, children: null,
  };
}

function targetKind(entry) {
  return isGuest(entry) ? 'guest' : entry.type;
}

function group(key, label, iconName, children, target) {
  return { key, label, icon: iconName, status: '', children, target: target || { kind: 'folder', id: key } };
}

function serverView(entries) {
  const nodes = entries.filter((e) => e.type === 'node');
  // A caller without Sys.Audit on a node still sees its guests: the node gets a bare entry.
  const known = new Set(nodes.map((node) => node.node));
  for (const entry of entries) {
    if (entry.node && !known.has(entry.node)) {
      known.add(entry.node);
      nodes.push({ id: `node/${entry.node}`, type: 'node', node: entry.node, status: 'unknown' });
    }
  }
  nodes.sort(byName);
  return nodes.map((node) => {
    const key = `root>${node.id}`;
    const guests = entries.filter((e) => isGuest(e) && e.node === node.node).sort(byVMID);
    const storages = entries.filter((e) => e.type === 'storage' && e.node === node.node).sort(byName);
    return { ...leaf(node, 'root'), key, children: [...guests, ...storages].map((e) => leaf(e, key)) };
  });
}

function folderView(entries) {
  const folders = [
    ['node', t('Nodes'), byName],
    ['qemu', t('Virtual Machine'), byVMID],
    ['lxc', t('LXC Container'), byVMID],
    ['storage', t('Storage'), byName],
    ['pool', t('Pools'), byName],
  ];
  return folders.map(([type, label, order]) => {
    const key = `root>type:${type}`;
    const members = entries.filter((e) => e.type === type).sort(order);
    return group(key, label, 'folder', members.map((e) => leaf(e, key)));
  }).filter((folder) => folder.children.length > 0);
}

function poolView(entries) {
  const pools = entries.filter((e) => e.type === 'pool').sort(byName);
  return pools.map((pool) => {
    const key = `root>${pool.id}`;
    const members = entries.filter((e) => e.pool === pool.pool && e.type !== 'pool').sort(byVMID);
    return { ...leaf(pool, 'root'), key, children: members.map((e) => leaf(e, key)) };
  });
}

function tagView(entries) {
  const tagged = new Map();
  const untagged = [];
  for (const entry of entries) {
    if (!isGuest(entry)) continue;
    const tags = (entry.tags || '').split(/[;, ]+/).filter(Boolean);
    if (tags.length === 0) untagged.push(entry);
    for (const tag of tags) {
      if (!tagged.has(tag)) tagged.set(tag, []);
      tagged.get(tag).push(entry);
    }
  }
  const groups = [...tagged.keys()].sort().map((tag) => {
    const key = `root>tag:${tag}`;
    return group(key, tag, 'tag', tagged.get(tag).sort(byVMID).map((e) => leaf(e, key)), { kind: 'tag', id: tag });
  });
  if (untagged.length) {
    const key = 'root>tag:';
    groups.push(group(key, t('No Tags'), 'tag', untagged.sort(byVMID).map((e) => leaf(e, key))));
  }
  return groups;
}

const builders = { server: serverView, folder: folderView, pool: poolView, tag: tagView };

/** The whole tree of a view: the Datacenter root with its children. */
export function buildTree(view, entries) {
  const children = (builders[view] || serverView)(entries);
  return [group('root', t('Datacenter'), 'datacenter', children, { kind: 'datacenter', id: 'root' })];
}

/** Visible rows in order, with depth; collapsed nodes hide their children. */
export function flatten(tree, expanded) {
  const rows = [];
  const walk = (items, depth) => {
    for (const item of items) {
      const open = item.children && item.children.length > 0 && expanded.has(item.key);
      rows.push({ ...item, depth, hasChildren: Boolean(item.children && item.children.length), expanded: open });
      if (open) walk(item.children, depth + 1);
    }
  };
  walk(tree, 0);
  return rows;
}

/** Keys expanded by default: the root and the first level (nodes, folders, pools, tags). */
export function defaultExpanded(tree) {
  const keys = new Set(['root']);
  for (const child of tree[0].children) keys.add(child.key);
  return keys;
}
