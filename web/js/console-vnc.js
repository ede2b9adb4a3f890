// A VM's screen through Debian's noVNC: vncproxy prepares a one-time VNC password and a
// ticket, then noVNC connects to vncwebsocket on this same port.
import RFB from '../novnc/core/rfb.js';
import { post } from './api.js';
import { t } from './i18n.js';

/** Returns `connect()`, which (re)opens the console in `screen`. */
export function vncConsole({ screen, node, vmid, show, cad }) {
  let rfb = null;
  cad.hidden = false;
  cad.textContent = t('Ctrl-Alt-Del');
  cad.addEventListener('click', () => rfb && rfb.sendCtrlAltDel());
  return async function connect() {
    if (rfb) rfb.disconnect();
    rfb = null;
    cad.disabled = true;
    show(t('Connecting…'));
    try {
      const base = `/nodes/${encodeURIComponent(node)}/qemu/${encodeURIComponent(vmid)}`;
      const proxy = await post(`${base}/vncproxy`, { websocket: 1 });
      const query = new URLSearchParams({ port: proxy.port, vncticket: proxy.ticket });
      rfb = new RFB(screen, `wss://${location.host}/api2/json${base}/vncwebsocket?${query}`, {
        credentials: { password: proxy.password }, wsProtocols: ['binary'],
      });
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
  };
}
