// Starts the GUI: resume the session or show the login window, then the header, the
// resource tree, the central panel for the selected object and the task log panel.
import * as api from './api.js';
import { renderHeader, applyTheme } from './header.js';
import { showLogin } from './login.js';
import * as resources from './resources.js';
import { LogPanel } from './tasks.js';
import { ResourceTree } from './tree.js';
import { datacenterPanel } from './panels/datacenter.js';
import { guestActions } from './guest-actions.js';
import { openMenu } from './menu.js';
import { guestPanel } from './panels/guest.js';
import { nodePanel } from './panels/node.js';
import { poolPanel } from './panels/pools.js';
import { storagePanel } from './panels/storage.js';
import { installSplitters } from './splitters.js';

applyTheme();
const app = document.getElementById('app');
installSplitters(app);
const content = document.getElementById('content');
let tree = null;
let logPanel = null;
let closePanel = null;
let shown = null;

/** `#<object id>:<tab>`, e.g. `#qemu/100:summary`, `#node/pve:notes`, `#/pool/web:members`. */
function parseHash() {
  const text = decodeURIComponent(location.hash.slice(1));
  const separator = text.lastIndexOf(':');
  return separator < 0 ? { id: text || 'root', tab: null } : { id: text.slice(0, separator) || 'root', tab: text.slice(separator + 1) };
}

function open(target, tab = null) {
  const id = typeof target === 'string' ? target : target.id;
  const kind = typeof target === 'string' ? kindOf(id) : target.kind;
  app.classList.remove('tree-open');
  if (shown && shown.id === id && !tab) return;
  if (closePanel) closePanel();
  shown = { id, kind };
  const onTab = (name) => history.replaceState(null, '', `#${encodeURIComponent(`${id}:${name}`)}`);
  const options = { tab, onTab, onOpen: (other) => reveal(other) };
  if (kind === 'node') closePanel = nodePanel(content, id.slice('node/'.length), options);
  else if (kind === 'guest') closePanel = guestPanel(content, id, options);
  else if (kind === 'pool') closePanel = poolPanel(content, id.slice('/pool/'.length), options);
  else if (kind === 'storage') closePanel = storagePanel(content, id, options);
  else closePanel = datacenterPanel(content, { ...options, tab: kind === 'datacenter' ? tab : 'search' });
}

function kindOf(id) {
  if (id === 'root') return 'datacenter';
  if (id.startsWith('node/')) return 'node';
  if (id.startsWith('qemu/') || id.startsWith('lxc/')) return 'guest';
  if (id.startsWith('/pool/')) return 'pool';
  if (id.startsWith('storage/')) return 'storage';
  return 'datacenter';
}

/** A link or the browser's back and forward buttons changed the location: show that view. */
function followHash() {
  const { id, tab } = parseHash();
  open(id, tab || 'summary');
  tree.reveal(id);
}

/** Selects an object in the tree (switching nothing else) and opens its panel. */
function reveal(id) {
  if (!tree.reveal(id)) open(id);
}

/** A guest's context menu in the tree: its actions. */
function guestMenu(target, { x, y }) {
  const entry = resources.find(target.id);
  if (entry) guestActions(entry).then((items) => openMenu(items, { x, y, label: resources.describe(entry) }));
}

/** The node new guests go to by default: the one shown or holding the shown guest, else the first. */
function defaultNode() {
  const entry = shown && resources.find(shown.id);
  if (entry && entry.node) return entry.node;
  const first = [...resources.all()].find((candidate) => candidate.type === 'node');
  return first ? first.node : undefined;
}

function start() {
  app.hidden = false;
  renderHeader(document.getElementById('header'), {
    onOpen: reveal, onToggleTree: () => app.classList.toggle('tree-open'), defaultNode,
  });
  tree = new ResourceTree(document.getElementById('tree-pane'), { onSelect: (target) => open(target), onContextMenu: guestMenu });
  logPanel = new LogPanel(document.getElementById('log-pane'));
  resources.start();
  const { id, tab } = parseHash();
  open(id, tab || 'summary');
  window.addEventListener('hashchange', followHash);
  document.body.dataset.ready = '1';
}

function stop() {
  window.removeEventListener('hashchange', followHash);
  resources.stop();
  if (tree) tree.destroy();
  if (logPanel) logPanel.stop();
  if (closePanel) closePanel();
  closePanel = null;
  shown = null;
  app.hidden = true;
  for (const id of ['header', 'tree-pane', 'content', 'log-pane']) document.getElementById(id).replaceChildren();
  document.getElementById('overlay').replaceChildren();
  delete document.body.dataset.ready;
}

api.onLogout(() => {
  stop();
  showLogin(start);
});

if (await api.resume()) start();
else showLogin(start);
