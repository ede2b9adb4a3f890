// A property grid as Proxmox shows settings: one row per setting with its value, an Edit
// button, and a dialog per row (double click or Enter opens it too).
import { showError } from './dialog.js';
import { h } from './dom.js';
import { Grid } from './grid.js';
import { t } from './i18n.js';

/**
 * load() resolves to rows { key, label, value, pending, readOnly }; edit(row, reload) opens
 * the row's dialog. `id` names the Edit button (`<id>-edit`).
 */
export function propertyGrid(host, { id, label, load, edit }) {
  const gridHost = h('div', { class: 'grid-host' });
  const button = h('button', { type: 'button', id: `${id}-edit`, disabled: true }, t('Edit'));
  host.append(h('div', { class: 'toolbar' }, button), gridHost);
  const open = (row) => { if (row && !row.readOnly) edit(row, reload); };
  const grid = new Grid(gridHost, {
    label, rowKey: (row) => row.key, onActivate: open,
    onSelectionChange: (rows) => { button.disabled = !rows.length || Boolean(rows[0].readOnly); },
    columns: [
      { key: 'label', label: t('Option'), width: '240px' },
      { key: 'value', label: t('Value'), render: (row) => h('span', { class: row.pending ? 'pending' : '' }, row.value) },
    ],
  });
  button.addEventListener('click', () => open(grid.selected()[0]));
  async function reload() {
    try {
      grid.setRows(await load());
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
  return { reload, grid };
}
