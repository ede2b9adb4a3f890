// Multi-step windows (Create VM, Create CT): one tab per step, Back / Next / Finish, each
// step checked before the next opens, a Confirm step listing what will be sent, and the
// API's per-parameter errors shown at their fields (the wizard turns to that step).
import { formRows, openWindow, readValues, showErrors } from './dialog.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * steps: [{ id, label, fields }]; fields as for formDialog, plus `advanced: true` for
 * fields shown only with "Advanced". `setup(rows)` wires fields together (rows by name).
 * `parameters(values)` gives what is sent; `submit(parameters, values)` sends it.
 */
export function openWizard({ title, steps, setup, parameters, submit, id }) {
  const win = openWindow(title, { className: `wizard-window ${id}` });
  win.element.id = id;
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const pages = steps.map((step) => ({ ...step, rows: formRows(step.fields) }));
  const confirmPage = { id: 'confirm', label: t('Confirm'), rows: formRows([{ name: 'start', label: t('Start after created'), type: 'checkbox' }]) };
  pages.push(confirmPage);
  const summary = h('dl', { class: 'wizard-summary', id: `${id}-summary` });
  const byName = Object.fromEntries(pages.flatMap((page) => page.rows.map((row) => [row.field.name, row])));
  for (const page of pages) {
    for (const row of page.rows) if (row.field.advanced) row.row.classList.add('advanced');
    page.element = h('div', { class: 'wizard-page', role: 'tabpanel', id: `${id}-page-${page.id}`, hidden: true },
      page === confirmPage ? summary : null, page.rows.map((row) => row.row));
  }
  const tabs = pages.map((page, index) => h('button', {
    type: 'button', role: 'tab', class: 'wizard-tab', id: `${id}-tab-${page.id}`, onclick: () => go(index),
  }, page.label));
  const advanced = h('input', { type: 'checkbox', id: `${id}-advanced`, onchange: paintAdvanced });
  const back = h('button', { type: 'button', id: `${id}-back`, onclick: () => go(current - 1) }, t('Back'));
  const next = h('button', { type: 'button', class: 'primary', id: `${id}-next`, onclick: () => go(current + 1) }, t('Next'));
  const finish = h('button', { type: 'button', class: 'primary', id: `${id}-finish`, onclick: () => finishWizard() }, t('Finish'));
  win.body.append(h('div', { class: 'wizard-tabs', role: 'tablist' }, tabs), ...pages.map((page) => page.element), message);
  win.footer.append(h('label', { class: 'wizard-advanced' }, advanced, ' ', t('Advanced')), h('span', { class: 'spacer' }), back, next, finish);
  let current = 0;
  let reached = 0;
  if (setup) setup(byName);

  function paintAdvanced() {
    for (const row of Object.values(byName)) if (row.field.advanced) row.row.hidden = !advanced.checked;
  }

  /** All values; with `upTo`, the steps before it are checked and the first failing one is shown. */
  function collect(upTo = pages.length) {
    let values = {};
    for (let index = 0; index < upTo; index += 1) {
      const stepValues = readValues(pages[index].rows);
      if (!stepValues) { show(index); return null; }
      values = { ...values, ...stepValues };
    }
    return values;
  }

  function go(index) {
    if (index < 0 || index >= pages.length) return;
    if (index > current && !collect(index)) return;
    reached = Math.max(reached, index);
    show(index);
  }

  function show(index) {
    current = index;
    message.hidden = true;
    pages.forEach((page, position) => {
      page.element.hidden = position !== index;
      tabs[position].classList.toggle('active', position === index);
      tabs[position].setAttribute('aria-selected', String(position === index));
      tabs[position].disabled = position > reached;
    });
    back.disabled = index === 0;
    next.hidden = index === pages.length - 1;
    finish.hidden = index !== pages.length - 1;
    if (pages[index] === confirmPage) paintSummary();
    const first = pages[index].rows.find((row) => !row.input.disabled && !row.row.hidden);
    if (first) requestAnimationFrame(() => first.input.focus());
  }

  function paintSummary() {
    const values = collect(pages.length - 1);
    if (!values) return;
    const sent = parameters(values);
    // What was typed into a password field is not shown again, only that it is set.
    const secrets = new Set(Object.values(byName).filter((row) => row.field.type === 'password').map((row) => row.field.name));
    summary.replaceChildren(...Object.entries(sent).filter(([, value]) => value !== undefined && value !== '')
      .flatMap(([key, value]) => [h('dt', {}, key), h('dd', { class: secrets.has(key) ? 'secret' : null }, secrets.has(key) ? '••••••••' : String(value))]));
  }

  async function finishWizard() {
    const values = collect();
    if (!values) return;
    finish.disabled = true;
    try {
      await submit({ ...parameters(values), start: values.start ? 1 : undefined }, values);
      win.close();
    } catch (failure) {
      const rows = Object.values(byName);
      showErrors(failure, rows, message);
      const page = pages.findIndex((candidate) => candidate.rows.some((row) => !row.error.hidden));
      if (page >= 0 && page !== current) { show(page); showErrors(failure, rows, message); }
    } finally {
      finish.disabled = false;
    }
  }

  show(0);
  paintAdvanced();
  return { ...win, byName, paintAdvanced };
}
