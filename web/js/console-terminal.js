// A text console through Debian's xterm.js: a container's console or the node's shell.
// termproxy prepares a ticket; the websocket then speaks termproxy's framing: the ticket
// line first (answered with OK), then `0:LEN:DATA` for keys, `1:COLS:ROWS:` for the size
// and `2` every 30 s to keep the connection; the terminal's output comes back as is.
import { post } from './api.js';
import { loadCommonJS } from './commonjs.js';
import { t } from './i18n.js';

let library = null;

/** xterm.js (node-xterm's modules) with the fit addon (libjs-xterm's), loaded once. */
function xterm() {
  library ??= (async () => {
    const stylesheet = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/xterm/xterm.css' });
    document.head.append(stylesheet);
    const { Terminal } = await loadCommonJS('/xterm-lib/public/Terminal.js');
    Terminal.applyAddon(await loadCommonJS('/xterm/addons/fit/fit.js'));
    return Terminal;
  })();
  return library;
}

/** Returns `connect()`, which (re)opens the terminal in `screen`; `path` is the API path
 *  of the container (`/nodes/N/lxc/ID`) or the node (`/nodes/N`). */
export function terminalConsole({ screen, path, show }) {
  const encoder = new TextEncoder();
  let terminal = null;
  let socket = null;
  let pinger = null;

  const send = (text) => { if (socket && socket.readyState === WebSocket.OPEN) socket.send(text); };
  const sendSize = () => send(`1:${terminal.cols}:${terminal.rows}:`);

  async function open() {
    const Terminal = await xterm();
    // The DOM renderer keeps the text in the page, for screen readers, selection and tests.
    terminal = new Terminal({ cursorBlink: true, scrollback: 5000, fontFamily: 'monospace', rendererType: 'dom' });
    terminal.open(screen);
    terminal.fit();
    terminal.on('data', (data) => send(`0:${encoder.encode(data).length}:${data}`));
    terminal.on('resize', sendSize);
    window.addEventListener('resize', () => terminal.fit());
  }

  function attach(proxy) {
    const query = new URLSearchParams({ port: proxy.port, vncticket: proxy.ticket });
    socket = new WebSocket(`wss://${location.host}/api2/json${path}/vncwebsocket?${query}`, 'binary');
    socket.binaryType = 'arraybuffer';
    const decoder = new TextDecoder();
    let authenticated = false;
    socket.addEventListener('open', () => socket.send(`${proxy.user}:${proxy.ticket}\n`));
    socket.addEventListener('message', (event) => {
      let text = typeof event.data === 'string' ? event.data : decoder.decode(event.data, { stream: true });
      if (!authenticated) {
        if (!text.startsWith('OK')) { show(t('Authentication failed: {0}', text), 'error'); socket.close(); return; }
        authenticated = true;
        text = text.slice(2);
        show(t('Connected'), 'connected');
        sendSize();
        terminal.focus();
        pinger = setInterval(() => send('2'), 30000);
      }
      if (text) terminal.write(text);
    });
    socket.addEventListener('close', (event) => {
      clearInterval(pinger);
      if (document.body.dataset.console === 'error') return;
      const clean = authenticated && event.wasClean;
      show(clean ? t('Disconnected') : t('Connection lost'), clean ? 'disconnected' : 'error');
    });
  }

  return async function connect() {
    if (socket) socket.close();
    socket = null;
    show(t('Connecting…'));
    try {
      if (!terminal) await open();
      terminal.reset();
      attach(await post(`${path}/termproxy`));
    } catch (error) {
      show(error.message, 'error');
    }
  };
}
