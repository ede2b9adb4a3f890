// The live resource list: one server-sent-events stream (GET /cluster/resources/stream)
// delivers the whole list first, then only the entries that changed. Views subscribe and
// are told at most once per animation frame.
import { coalesce } from './dom.js';

const byId = new Map();
const listeners = new Set();
let source = null;
let retryTimer = null;
let revision = 0;

const notify = coalesce(() => {
  revision += 1;
  for (const listener of listeners) listener();
});

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function all() { return byId.values(); }
export function find(id) { return byId.get(id); }
export function count() { return byId.size; }
/** Increases with every applied change, so views can skip work when nothing moved. */
export function currentRevision() { return revision; }

function apply(event) {
  const change = JSON.parse(event.data);
  if (change.reset) byId.clear();
  for (const entry of change.updated) byId.set(entry.id, entry);
  for (const id of change.removed) byId.delete(id);
  document.body.dataset.resourceRevision = event.lastEventId;
  notify();
}

export function start() {
  stop();
  source = new EventSource('/api2/json/cluster/resources/stream', { withCredentials: true });
  source.addEventListener('resources', apply);
  source.addEventListener('open', () => { document.body.dataset.stream = 'open'; });
  source.addEventListener('error', () => {
    document.body.dataset.stream = 'reconnecting';
    // The browser retries by itself unless the server refused the request (ticket gone).
    if (source.readyState === EventSource.CLOSED) retryTimer = setTimeout(start, 5000);
  });
}

export function stop() {
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  byId.clear();
  delete document.body.dataset.stream;
}

/** Ids like Proxmox's: `qemu/100`, `lxc/101`, `node/pve`, `/pool/web`, `storage/pve/local`. */
export function describe(entry) {
  switch (entry.type) {
    case 'qemu':
    case 'lxc': return `${entry.vmid} (${entry.name || ''})`;
    case 'node': return entry.node;
    case 'pool': return entry.pool;
    case 'storage': return `${entry.storage} (${entry.node})`;
    default: return entry.id;
  }
}

/** The icon name and status class an entry is drawn with; `dimmed` greys out a node that went
 * away (offline) and its guests, whose state nobody knows while it is away (unknown). */
export function appearance(entry) {
  if (entry.type === 'node') {
    return { icon: 'node', status: { online: 'online', offline: 'offline' }[entry.status] || '', dimmed: entry.status === 'offline' };
  }
  if (entry.type === 'pool') return { icon: 'pool', status: '' };
  if (entry.type === 'storage') return { icon: 'storage', status: entry.status === 'available' ? 'online' : 'offline' };
  const template = Number(entry.template) === 1;
  const unknown = entry.status === 'unknown';
  return {
    icon: template ? 'template' : entry.type,
    status: unknown ? 'unknown' : template ? 'template' : entry.status === 'running' ? 'running' : 'stopped',
    locked: Boolean(entry.lock),
    dimmed: unknown,
  };
}
