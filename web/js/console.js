// A console in its own window, as Proxmox opens them: `/console.html?console=kvm&node=N&vmid=ID`
// shows a VM's screen (noVNC), `console=lxc&node=N&vmid=ID` a container's console and
// `console=shell&node=N` the node's shell (both xterm.js). The session comes from the GUI's
// ticket cookie.
import { resume } from './api.js';
import { t } from './i18n.js';

const params = new URLSearchParams(location.search);
const kind = params.get('console');
const node = params.get('node');
const vmid = params.get('vmid');
const name = params.get('vmname') || vmid;
const screen = document.getElementById('console-screen');
const status = document.getElementById('console-status');
const reconnect = document.getElementById('console-reconnect');

function show(text, state = 'info') {
  status.textContent = text;
  status.dataset.state = state;
  document.body.dataset.console = state;
}

const guestPath = (type) => `/nodes/${encodeURIComponent(node)}/${type}/${encodeURIComponent(vmid)}`;
const kinds = {
  kvm: vmid && {
    title: t('VM {0} ({1}) on node {2}', vmid, name, node), window: t('VM {0} - Console', vmid),
    open: async () => (await import('./console-vnc.js')).vncConsole({ screen, node, vmid, show, cad: document.getElementById('console-cad') }),
  },
  lxc: vmid && {
    title: t('CT {0} ({1}) on node {2}', vmid, name, node), window: t('CT {0} - Console', vmid),
    open: async () => (await import('./console-terminal.js')).terminalConsole({ screen, path: guestPath('lxc'), show }),
  },
  shell: {
    title: t('Shell on node {0}', node), window: t('{0} - Shell', node),
    open: async () => (await import('./console-terminal.js')).terminalConsole({ screen, path: `/nodes/${encodeURIComponent(node)}`, show }),
  },
};
const chosen = node && kinds[kind];

reconnect.textContent = t('Reconnect');
document.body.dataset.kind = kind || '';
if (!chosen) {
  show(t('Unknown console: console=kvm or lxc with node and vmid, or console=shell with node.'), 'error');
} else {
  document.getElementById('console-title').textContent = chosen.title;
  document.title = chosen.window;
  if (await resume()) {
    const connect = await chosen.open();
    reconnect.addEventListener('click', connect);
    connect();
  } else {
    show(t('Not logged in: log in to the web interface first.'), 'error');
  }
}
