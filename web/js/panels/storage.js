// A storage's panel on one node: Summary (status and usage), one content view per content
// type it holds (ISO images and CT templates with Upload, VM disks, CT volumes, backups)
// and Permissions.
import * as api from '../api.js';
import { confirmDialog, formRows, openWindow, readValues, showError, showErrors } from '../dialog.js';
import { h, clear, formatBytes, formatTime } from '../dom.js';
import { metricGraphs, streamSamples } from '../graphs.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import { renderPanel, infoBox, usageBar } from '../panel.js';
import { taskStarted, waitForTask } from '../tasks.js';
import { aclView } from './access-acl.js';
import { backupColumns, backupToolbar } from './backups.js';

const views = () => [
  ['iso', t('ISO Images')], ['vztmpl', t('CT Templates')], ['images', t('VM Disks')], ['rootdir', t('CT Volumes')],
  ['backup', t('Backups')], ['snippets', t('Snippets')], ['import', t('Import')],
];
const uploadable = new Set(['iso', 'vztmpl', 'import']);

function summary(host, base, id) {
  const box = h('div', { class: 'summary', id: 'storage-summary' });
  host.append(box);
  let timer = null;
  let closed = false;
  const load = async () => {
    try {
      const status = await api.get(`${base}/status`);
      clear(box).append(
        infoBox(t('Status'), [
          [t('Enabled'), Number(status.enabled ?? 1) ? t('Yes') : t('No')],
          [t('Active'), Number(status.active) ? t('Yes') : t('No')],
          [t('Content'), (status.content || '').split(',').join(', ')],
          [t('Type'), status.type],
          [t('Shared'), Number(status.shared) ? t('Yes') : t('No')],
        ]),
        h('section', { class: 'info-box wide' }, h('h2', {}, t('Usage')), usageBar(t('Usage'), status.used || 0, status.total, formatBytes)));
    } catch (failure) {
      clear(box).append(h('p', { class: 'form-error' }, failure.message));
    }
    // A request still under way when the view closes must not start the next round.
    if (!closed) timer = setTimeout(load, 5000);
  };
  load();
  const graphs = metricGraphs(host, { path: `${base}/rrddata`, kind: 'storage', live: streamSamples(id, 'storage') });
  return () => { closed = true; clearTimeout(timer); graphs(); };
}

function uploadDialog({ node, base }, content, reload) {
  const win = openWindow(t('Upload'), { className: 'form-window upload-window' });
  const rows = formRows([
    { name: 'content', label: t('Content'), type: 'select', options: views().filter(([key]) => key === content), value: content, disabled: true },
    { name: 'filename', label: t('File'), type: 'file', required: true, accept: content === 'iso' ? '.iso,.img' : content === 'vztmpl' ? '.tar.gz,.tar.xz,.tar.zst,.tgz' : null },
  ]);
  const progress = h('progress', { id: 'upload-progress', max: '100', value: '0', hidden: true });
  const progressText = h('span', { id: 'upload-progress-text', class: 'muted' });
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'button', class: 'primary', id: 'upload-submit' }, t('Upload'));
  win.body.append(h('form', { class: 'form', novalidate: true }, rows.map((row) => row.row), progress, progressText, message));
  win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Cancel')), submit);
  submit.addEventListener('click', async () => {
    message.hidden = true;
    const values = readValues(rows);
    if (!values) return;
    const form = new FormData();
    form.append('content', content);
    form.append('filename', values.filename, values.filename.name);
    submit.disabled = true;
    progress.hidden = false;
    try {
      const upid = await api.upload(`${base}/upload`, form, (sent, total) => {
        progress.value = Math.round((sent / total) * 100);
        progressText.textContent = `${progress.value} % (${formatBytes(sent)} / ${formatBytes(total)})`;
      });
      progressText.textContent = t('Copying file into the storage…');
      await waitForTask(node, taskStarted(upid));
      reload();
      win.close();
    } catch (failure) {
      showErrors(failure, rows, message);
      submit.disabled = false;
    }
  });
  return win;
}

/** The Backups view: the archives with Restore, Show Configuration, notes, protection, Remove. */
function backupContentView(host, { node, base }) {
  const gridHost = h('div', { class: 'grid-host' });
  let grid = null;
  const tools = backupToolbar(node, () => grid.selected()[0], reload);
  host.append(tools.bar, gridHost);
  grid = new Grid(gridHost, {
    label: t('Backups'), rowKey: (volume) => volume.volid,
    onSelectionChange: ([volume]) => tools.update(volume),
    columns: [...backupColumns().slice(0, 1), { key: 'vmid', label: t('VM ID'), width: '90px' }, ...backupColumns().slice(1)],
  });
  async function reload() {
    try {
      grid.setRows(await api.get(`${base}/content`, { content: 'backup' }));
      tools.update(grid.selected()[0]);
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
}

function contentView(host, { node, base }, content) {
  if (content === 'backup') return backupContentView(host, { node, base });
  const gridHost = h('div', { class: 'grid-host' });
  const upload = uploadable.has(content) && h('button', { type: 'button', id: 'content-upload', onclick: () => uploadDialog({ node, base }, content, reload) }, t('Upload'));
  const remove = h('button', { type: 'button', id: 'content-remove', disabled: true }, t('Remove'));
  host.append(h('div', { class: 'toolbar' }, upload, remove), gridHost);
  const guestColumn = content === 'images' || content === 'rootdir';
  const grid = new Grid(gridHost, {
    label: t('Content'), rowKey: (volume) => volume.volid,
    onSelectionChange: (selection) => { remove.disabled = selection.length === 0; },
    columns: [
      { key: 'name', label: t('Name'), width: 'minmax(220px, 3fr)', value: (volume) => volume.volid.replace(/^[^:]+:/, '') },
      guestColumn && { key: 'vmid', label: t('VM ID'), width: '90px' },
      { key: 'ctime', label: t('Date'), width: '170px', render: (volume) => formatTime(volume.ctime) },
      { key: 'format', label: t('Format'), width: '90px' },
      { key: 'size', label: t('Size'), width: '110px', align: 'right', render: (volume) => formatBytes(volume.size) },
    ].filter(Boolean),
  });
  remove.addEventListener('click', async () => {
    const [volume] = grid.selected();
    if (!volume || !(await confirmDialog(t('Are you sure you want to remove entry {0}', volume.volid)))) return;
    try {
      const upid = await api.del(`${base}/content/${encodeURIComponent(volume.volid)}`);
      if (upid) await waitForTask(node, taskStarted(upid));
    } catch (failure) {
      showError(failure);
    }
    reload();
  });
  async function reload() {
    try { grid.setRows(await api.get(`${base}/content`, { content })); } catch (failure) { showError(failure); }
  }
  reload();
}

/** `id` is `storage/<node>/<storage>`. */
export function storagePanel(container, id, { tab, onTab }) {
  const [, node, storage] = id.split('/');
  const base = `/nodes/${encodeURIComponent(node)}/storage/${encodeURIComponent(storage)}`;
  let close = () => {};
  let closed = false;
  const show = (contents) => {
    if (closed) return;
    close = renderPanel(container, {
      title: t('Storage {0} on node {1}', `'${storage}'`, `'${node}'`), iconName: 'storage', selected: tab || 'summary', onTab,
      items: [
        { id: 'summary', label: t('Summary'), render: (host) => summary(host, base, id) },
        ...views().filter(([key]) => contents.includes(key)).map(([key, label]) => ({
          id: `content-${key}`, label, render: (host) => contentView(host, { node, base }, key),
        })),
        { id: 'permissions', label: t('Permissions'), render: (host) => aclView(host, { path: `/storage/${storage}` }) },
      ],
    });
  };
  clear(container).append(h('p', { class: 'muted panel-message' }, t('Loading…')));
  api.get(`${base}/status`).then((status) => show((status.content || '').split(','))).catch((failure) => {
    if (!closed) clear(container).append(h('p', { class: 'form-error panel-message' }, failure.message));
  });
  return () => { closed = true; close(); };
}
