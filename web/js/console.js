// The VNC console of a VM in its own window (`/console.html?console=kvm&node=N&vmid=ID`):
// vncproxy prepares a one-time VNC password and a ticket, then Debian's noVNC connects to
// vncwebsocket on this same port. The session comes from the GUI's ticket cookie.
import RFB from '../novnc/core/rfb.js';
import { post, resume } from './api.js';
import { t } from './i18n.js';

const params = new URLSearchParams(location.search);
const node = params.get('node');
const vmid = params.get('vmid');
const screen = document.getElementById('console-screen');
const status = document.getElementById('console-status');
const cad = document.getElementById('console-cad');
const reconnect = document.getElementById('console-reconnect');
let rfb = null;

function show(text, state = 'info') {
  status.textContent = text;
  status.dataset.state = state;
  document.body.dataset.console = state;
}

async function connect() {
  if (rfb) rfb.disconnect();
  rfb = null;
  cad.disabled = true;
  show(t('Connecting…'));
  try {
    const proxy = await post(`/nodes/${encodeURIComponent(node)}/qemu/${encodeURIComponent(vmid)}/vncproxy`, { websocket: 1 });
    const query = new URLSearchParams({ port: proxy.port, vncticket: proxy.ticket });
    const url = `wss://${location.host}/api2/json/nodes/${encodeURIComponent(node)}/qemu/${encodeURIComponent(vmid)}`
      + `/vncwebsocket?${query}`;
    rfb = new RFB(screen, url, { credentials: { password: proxy.password }, wsProtocols: ['binary'] });
    rfb.scaleViewport = true;
    rfb.addEventListener('connect', () => { cad.disabled = false; show(t('Connected'), 'connected'); });
    rfb.addEventListener('disconnect', (event) => {
      cad.disabled = true;
      show(event.detail.clean ? t('Disconnected') : t('Connection lost'), event.detail.clean ? 'disconnected' : 'error');
    });
    rfb.addEventListener('securityfailure', (event) => show(t('Authentication failed: {0}', event.detail.reason || ''), 'error'));
  } catch (error) {
    show(error.message, 'error');
  }
}

cad.textContent = t('Ctrl-Alt-Del');
reconnect.textContent = t('Reconnect');
cad.addEventListener('click', () => rfb && rfb.sendCtrlAltDel());
reconnect.addEventListener('click', connect);
document.getElementById('console-title').textContent = t('VM {0} ({1}) on node {2}', vmid, params.get('vmname') || vmid, node);
document.title = t('VM {0} - Console', vmid);

if (!node || !vmid || params.get('console') !== 'kvm') {
  show(t('Only VM consoles (console=kvm) can be opened here.'), 'error');
} else if (await resume()) {
  connect();
} else {
  show(t('Not logged in: log in to the web interface first.'), 'error');
}
