// Modal windows: forms that submit to the API and show its errors in place, confirmations,
// and plain windows (task log). Escape closes, Tab stays inside, focus returns afterwards.
import { h } from './dom.js';
import { t } from './i18n.js';

const overlay = () => document.getElementById('overlay');

/** A window with a title bar; returns { element, body, footer, close }. */
export function openWindow(title, { className = '', onClose } = {}) {
  const previous = document.activeElement;
  const titleId = `window-title-${Math.random().toString(36).slice(2)}`;
  const body = h('div', { class: 'window-body' });
  const footer = h('div', { class: 'window-footer' });
  const closeButton = h('button', { type: 'button', class: 'window-close', 'aria-label': t('Close') }, '×');
  const element = h('div', { class: `window ${className}`, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
    h('div', { class: 'window-title' }, h('span', { id: titleId }, title), closeButton), body, footer);
  const backdrop = h('div', { class: 'backdrop' }, element);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    backdrop.remove();
    if (onClose) onClose();
    if (previous && previous.focus) previous.focus();
  };
  closeButton.addEventListener('click', close);
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { event.stopPropagation(); close(); }
    if (event.key === 'Tab') trapFocus(element, event);
  });
  overlay().append(backdrop);
  return { element, body, footer, close };
}

function trapFocus(element, event) {
  const focusable = [...element.querySelectorAll('button, input, select, textarea, [tabindex="0"]')]
    .filter((item) => !item.disabled && item.offsetParent !== null);
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
  else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
}

function fieldInput(field) {
  const common = { name: field.name, id: `field-${field.name}`, required: field.required || null, disabled: field.disabled || null };
  if (field.type === 'select' || field.type === 'multiselect') {
    const multiple = field.type === 'multiselect';
    const select = h('select', { ...common, multiple, size: multiple ? String(Math.min(6, Math.max(3, (field.options || []).length))) : null });
    setOptions(select, field.options || [], field.value);
    return select;
  }
  if (field.type === 'checkbox') return h('input', { ...common, type: 'checkbox', checked: Boolean(field.value) });
  if (field.type === 'textarea') return h('textarea', { ...common, rows: field.rows || 8 }, field.value ?? '');
  if (field.type === 'file') return h('input', { ...common, type: 'file', accept: field.accept || null });
  return h('input', {
    ...common, type: field.type || 'text', value: field.value ?? '', autocomplete: field.autocomplete || 'off',
    placeholder: field.placeholder || null, min: field.min ?? null, max: field.max ?? null, step: field.step ?? null,
  });
}

/** Replaces a select's choices ([value, label] pairs), keeping `value` when it is among them. */
export function setOptions(select, options, value = selectValue(select)) {
  select.replaceChildren(...options.map(([optionValue, label]) => h('option', { value: optionValue }, label ?? optionValue)));
  if (select.multiple) {
    const chosen = new Set(String(value ?? '').split(',').filter(Boolean));
    for (const option of select.options) option.selected = chosen.has(option.value);
    return;
  }
  if (value !== undefined && options.some(([optionValue]) => String(optionValue) === String(value))) select.value = value;
}

/** A select's value; for a multiple one the chosen values comma separated, as Proxmox lists them. */
function selectValue(select) {
  return select.multiple ? [...select.selectedOptions].map((option) => option.value).join(',') : select.value;
}

/**
 * Form rows for field descriptions: { name, label, type, value, options, choices, required,
 * disabled, placeholder, min, max, validate(value, values) → message or null }.
 */
export function formRows(fields) {
  return fields.map((field) => {
    const input = fieldInput(field);
    // `choices()`: a select's options that come from the API (a node's bridges, storages, ...).
    if (field.choices) field.choices().then((options) => setOptions(input, options, field.value)).catch(() => {});
    const error = h('div', { class: 'field-error', id: `error-${field.name}`, hidden: true });
    input.setAttribute('aria-describedby', error.id);
    return { field, input, error, row: h('div', { class: `form-row ${field.type === 'checkbox' ? 'check' : ''}` },
      h('label', { for: input.id }, field.label), input, error) };
  });
}

function rawValue({ field, input }) {
  if (field.type === 'checkbox') return input.checked;
  if (field.type === 'multiselect') return selectValue(input);
  if (field.type === 'file') return input.files[0] || null;
  return input.value;
}

/** The rows' values by name; null when a row failed its check (the message is shown at the field). */
export function readValues(rows) {
  const values = {};
  for (const row of rows) values[row.field.name] = rawValue(row);
  let valid = true;
  for (const { field, input, error } of rows) {
    error.hidden = true;
    if (input.disabled || input.closest('[hidden]')) continue;
    const value = values[field.name];
    const empty = value === null || !String(value).trim();
    const problem = field.required && empty ? t('This field is required')
      : field.type === 'number' && !empty && !input.checkValidity() ? numberProblem(field)
        : !empty && field.validate ? field.validate(value, values) : null;
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      valid = false;
    }
  }
  return valid ? values : null;
}

function numberProblem(field) {
  if (field.min !== undefined && field.max !== undefined) return t('The value must be between {0} and {1}', field.min, field.max);
  if (field.min !== undefined) return t('The minimum value for this field is {0}', field.min);
  return t('The maximum value for this field is {0}', field.max);
}

/**
 * A form window. `onSubmit(values)` may throw an APIError; its message and per-parameter
 * errors are shown in the window and the window stays open.
 */
export function formDialog({ title, fields, submitLabel = t('OK'), onSubmit, className = '', intro = null }) {
  const win = openWindow(title, { className: `form-window ${className}` });
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const rows = formRows(fields);
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const form = h('form', { class: 'form', novalidate: true }, intro, rows.map((row) => row.row), message);
  win.body.append(form);
  win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Cancel')), submit);
  submit.addEventListener('click', () => form.requestSubmit());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.hidden = true;
    const values = readValues(rows);
    if (!values) return;
    submit.disabled = true;
    try {
      await onSubmit(values);
      win.close();
    } catch (failure) {
      showErrors(failure, rows, message);
    } finally {
      submit.disabled = false;
    }
  });
  requestAnimationFrame(() => { const first = rows.find((row) => !row.field.disabled); if (first) first.input.focus(); });
  win.rows = rows;
  return win;
}

/** Shows an APIError: per-parameter messages at their fields, the rest in `message`. */
export function showErrors(failure, rows, message) {
  const errors = failure.errors || {};
  for (const row of rows) {
    if (errors[row.field.name]) {
      row.error.textContent = errors[row.field.name];
      row.error.hidden = false;
    }
  }
  const unplaced = Object.keys(errors).filter((name) => !rows.some((row) => row.field.name === name));
  message.textContent = [failure.message, ...unplaced.map((name) => `${name}: ${errors[name]}`)].join('\n');
  message.hidden = false;
}

/** Resolves to true when the user confirms. */
export function confirmDialog(text, { confirmLabel = t('Yes') } = {}) {
  return new Promise((resolve) => {
    let answer = false;
    const win = openWindow(t('Confirm'), { className: 'confirm-window', onClose: () => resolve(answer) });
    win.body.append(h('p', {}, text));
    const yes = h('button', { type: 'button', class: 'primary', onclick: () => { answer = true; win.close(); } }, confirmLabel);
    win.footer.append(h('button', { type: 'button', onclick: win.close }, t('No')), yes);
    requestAnimationFrame(() => yes.focus());
  });
}

/** A short error message window for failures outside forms. */
export function showError(failure) {
  const win = openWindow(t('Error'), { className: 'confirm-window' });
  win.body.append(h('pre', { class: 'error-text', role: 'alert' }, failure.details || failure.message || String(failure)));
  const ok = h('button', { type: 'button', class: 'primary', onclick: win.close }, t('OK'));
  win.footer.append(ok);
  requestAnimationFrame(() => ok.focus());
}
