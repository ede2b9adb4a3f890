// A guest's Snapshots: the snapshot tree (each under its parent, "NOW" under the current
// one), Take Snapshot, Rollback, Edit (description) and Remove. Each change is a task the
// view waits for before it reloads.
import * as api from '../api.js';
import { confirmDialog, formDialog, showError } from '../dialog.js';
import { h, formatTime } from '../dom.js';
import { guestPath } from '../guest-actions.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import * as resources from '../resources.js';
import { taskStarted, waitForTask } from '../tasks.js';

/** Depth-first order from the roots, each row with its depth. */
export function snapshotTree(snapshots) {
  const names = new Set(snapshots.map((snapshot) => snapshot.name));
  const children = new Map();
  for (const snapshot of snapshots) {
    const parent = snapshot.parent && names.has(snapshot.parent) ? snapshot.parent : '';
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(snapshot);
  }
  const rows = [];
  const walk = (parent, depth) => {
    const list = (children.get(parent) || []).sort((a, b) => (a.name === 'current') - (b.name === 'current') || (a.snaptime || 0) - (b.snaptime || 0));
    for (const snapshot of list) {
      rows.push({ ...snapshot, depth });
      walk(snapshot.name, depth + 1);
    }
  };
  walk('', 0);
  return rows;
}

export function snapshotsView(host, entry) {
  const base = `${guestPath(entry)}/snapshot`;
  const gridHost = h('div', { class: 'grid-host' });
  const take = h('button', { type: 'button', id: 'snapshot-take' }, t('Take Snapshot'));
  const button = (label, id) => h('button', { type: 'button', id, disabled: true }, label);
  const rollback = button(t('Rollback'), 'snapshot-rollback');
  const edit = button(t('Edit'), 'snapshot-edit');
  const remove = button(t('Remove'), 'snapshot-remove');
  host.append(h('div', { class: 'toolbar' }, take, rollback, edit, remove), gridHost);
  const grid = new Grid(gridHost, {
    label: t('Snapshots'), rowKey: (snapshot) => snapshot.name,
    onSelectionChange: ([snapshot]) => {
      for (const element of [rollback, edit, remove]) element.disabled = !snapshot || snapshot.name === 'current';
    },
    columns: [
      { key: 'name', label: t('Name'), sortable: false, width: 'minmax(200px, 1fr)',
        render: (s) => h('span', { style: `padding-left:${s.depth * 16}px` }, s.name === 'current' ? t('NOW') : s.name) },
      { key: 'vmstate', label: t('RAM'), sortable: false, width: '70px', render: (s) => (Number(s.vmstate) ? t('Yes') : '') },
      { key: 'snaptime', label: t('Date/Status'), sortable: false, width: '190px',
        render: (s) => (s.name === 'current' ? t('You are here!') : formatTime(s.snaptime)) },
      { key: 'description', label: t('Description'), sortable: false, width: '2fr' },
    ],
  });
  const selected = () => grid.selected()[0];
  const runTask = async (upid) => {
    try { await waitForTask(entry.node, taskStarted(upid)); } catch (failure) { showError(failure); }
    reload();
  };
  take.addEventListener('click', () => formDialog({
    title: t('Take Snapshot'),
    fields: [
      { name: 'snapname', label: t('Name'), required: true,
        validate: (name) => (/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) ? null : t('Invalid snapshot name')) },
      entry.type === 'qemu' && resources.find(entry.id)?.status === 'running'
        && { name: 'vmstate', label: t('Include RAM'), type: 'checkbox', value: true },
      { name: 'description', label: t('Description'), type: 'textarea', rows: 4 },
    ].filter(Boolean),
    onSubmit: async (values) => { runTask(await api.post(base, { ...values, description: values.description || undefined })); },
  }));
  rollback.addEventListener('click', async () => {
    const snapshot = selected();
    if (!snapshot || !(await confirmDialog(t('Are you sure you want to rollback to snapshot {0}? This will permanently erase the current state.', snapshot.name)))) return;
    try { runTask(await api.post(`${base}/${encodeURIComponent(snapshot.name)}/rollback`)); } catch (failure) { showError(failure); }
  });
  edit.addEventListener('click', () => {
    const snapshot = selected();
    if (!snapshot) return;
    formDialog({
      title: t('Edit: {0}', snapshot.name),
      fields: [{ name: 'description', label: t('Description'), type: 'textarea', rows: 4, value: snapshot.description || '' }],
      onSubmit: async (values) => { await api.put(`${base}/${encodeURIComponent(snapshot.name)}/config`, values); reload(); },
    });
  });
  remove.addEventListener('click', async () => {
    const snapshot = selected();
    if (!snapshot || !(await confirmDialog(t('Are you sure you want to remove entry {0}', snapshot.name)))) return;
    try { runTask(await api.del(`${base}/${encodeURIComponent(snapshot.name)}`)); } catch (failure) { showError(failure); }
  });
  async function reload() {
    try {
      grid.setRows(snapshotTree(await api.get(base)));
      grid.onSelectionChange(grid.selected());
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
}
