// A list with Add / Edit / Remove buttons over one API collection: the shape of most
// Permissions views. Actions open dialogs; after each change the list reloads.
import { confirmDialog, showError } from '../dialog.js';
import { h } from '../dom.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';

export function crudList(host, { label, columns, rowKey, load, add, edit, remove, describe, buttons = [] }) {
  const gridHost = h('div', { class: 'grid-host' });
  const needSelection = [];
  const button = (text, id, action, needs) => {
    const element = h('button', { type: 'button', id, disabled: needs ? true : null, onclick: action }, text);
    if (needs) needSelection.push(element);
    return element;
  };
  const reload = async () => {
    try {
      grid.setRows(await load());
    } catch (failure) {
      showError(failure);
    }
    update([]);
  };
  const selected = () => grid.selected()[0];
  const extras = (wantSelection) => buttons.filter((extra) => (extra.needsSelection ?? true) === wantSelection)
    .map((extra) => button(extra.label, `${label}-${extra.id}`, () => {
      if (!wantSelection || selected()) extra.action(selected(), reload);
    }, wantSelection));
  const toolbarButtons = [
    add && button(t('Add'), `${label}-add`, () => add(reload)),
    ...extras(false),
    edit && button(t('Edit'), `${label}-edit`, () => selected() && edit(selected(), reload), true),
    remove && button(t('Remove'), `${label}-remove`, async () => {
      const row = selected();
      if (!row || !(await confirmDialog(t('Are you sure you want to remove entry {0}', describe ? describe(row) : rowKey(row))))) return;
      try { await remove(row); } catch (failure) { showError(failure); }
      reload();
    }, true),
    ...extras(true),
  ].filter(Boolean);
  host.append(h('div', { class: 'toolbar' }, toolbarButtons), gridHost);
  const update = (rows) => { for (const element of needSelection) element.disabled = rows.length === 0; };
  const grid = new Grid(gridHost, {
    columns, rowKey, label, onSelectionChange: update,
    onActivate: edit ? (row) => edit(row, reload) : undefined,
  });
  reload();
  return { reload, grid };
}

/** `1` / `0` / booleans as Yes / No. */
export const yesNo = (value) => (value === undefined ? '' : Number(value) ? t('Yes') : t('No'));
