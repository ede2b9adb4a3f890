// Node → System: DNS (resolv.conf), Hosts (the hosts file, edited as text), Time (time zone)
// and Syslog (the journal, following new lines while it is shown).
import * as api from '../api.js';
import { formDialog, showError } from '../dialog.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { propertyGrid } from '../property-grid.js';

const nodePath = (node) => `/nodes/${encodeURIComponent(node)}`;
const none = () => t('none');

export function dnsView(host, node) {
  let dns = {};
  const labels = () => [['search', t('Search domain')], ['dns1', t('DNS server 1')], ['dns2', t('DNS server 2')], ['dns3', t('DNS server 3')]];
  propertyGrid(host, {
    id: 'dns', label: t('DNS'),
    load: async () => {
      dns = await api.get(`${nodePath(node)}/dns`);
      return labels().map(([key, label]) => ({ key, label, value: dns[key] || none() }));
    },
    // One dialog for all four settings: the servers are written together, as resolv.conf holds them.
    edit: (_row, reload) => formDialog({
      title: t('Edit: {0}', t('DNS')),
      fields: labels().map(([name, label]) => ({ name, label, value: dns[name] || '', required: name === 'search' })),
      onSubmit: async (values) => {
        const parameters = Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim()).map(([key, value]) => [key, value.trim()]));
        await api.put(`${nodePath(node)}/dns`, parameters);
        reload();
      },
    }),
  });
}

export function hostsView(host, node) {
  const editor = h('textarea', { id: 'hosts-text', class: 'hosts-text', spellcheck: 'false', 'aria-label': t('Hosts') });
  const save = h('button', { type: 'button', id: 'hosts-save', class: 'primary', disabled: true }, t('Save'));
  const revert = h('button', { type: 'button', id: 'hosts-revert', disabled: true }, t('Revert'));
  host.append(h('div', { class: 'toolbar' }, save, revert), editor);
  let current = { data: '', digest: null };
  const dirty = (changed) => { save.disabled = !changed; revert.disabled = !changed; };
  const load = async () => {
    try {
      current = await api.get(`${nodePath(node)}/hosts`);
      editor.value = current.data;
      dirty(false);
    } catch (failure) {
      showError(failure);
    }
  };
  editor.addEventListener('input', () => dirty(editor.value !== current.data));
  revert.addEventListener('click', load);
  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      await api.post(`${nodePath(node)}/hosts`, { data: editor.value, digest: current.digest });
      await load();
    } catch (failure) {
      showError(failure);
      dirty(true);
    }
  });
  load();
}

export function timeView(host, node) {
  let time = {};
  const stamp = (seconds) => new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
  propertyGrid(host, {
    id: 'time', label: t('Time'),
    load: async () => {
      time = await api.get(`${nodePath(node)}/time`);
      return [
        { key: 'timezone', label: t('Time zone'), value: time.timezone },
        { key: 'time', label: t('Server time'), value: `${stamp(time.time)} UTC`, readOnly: true },
        { key: 'localtime', label: t('Local time'), value: stamp(time.localtime), readOnly: true },
      ];
    },
    edit: (_row, reload) => formDialog({
      title: t('Edit: {0}', t('Time zone')),
      fields: [{ name: 'timezone', label: t('Time zone'), value: time.timezone, required: true, placeholder: 'Europe/Madrid' }],
      onSubmit: async ({ timezone }) => {
        await api.put(`${nodePath(node)}/time`, { timezone: timezone.trim() });
        reload();
      },
    }),
  });
}

/** The last lines of the journal, polled every 5 s; returns the cleanup that stops polling. */
export function syslogView(host, node) {
  const shown = 500;
  const output = h('pre', { class: 'task-log syslog', id: 'syslog', tabindex: '0', 'aria-label': t('Syslog') });
  host.append(output);
  let timer = null;
  let closed = false;
  const load = async () => {
    try {
      // The first call tells how many lines there are; the second fetches the tail.
      const { total } = await api.getPage(`${nodePath(node)}/syslog`, { limit: 0 });
      const { data } = await api.getPage(`${nodePath(node)}/syslog`, { start: Math.max(0, total - shown), limit: shown });
      const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
      clear(output).append(data.length ? data.map((line) => `${line.t}\n`).join('') : t('No log entries'));
      if (atBottom) output.scrollTop = output.scrollHeight;
    } catch (failure) {
      clear(output).append(failure.message);
    }
    if (!closed) timer = setTimeout(load, 5000);
  };
  load();
  return () => { closed = true; clearTimeout(timer); };
}
