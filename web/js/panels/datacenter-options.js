// Datacenter → Options: the settings of datacenter.cfg (GET/PUT /cluster/options) in a
// property grid. Plain settings are one field; property strings (next-id, migration, ...)
// get a field per key and are written back as `key=value,...`. An empty dialog deletes.
import * as api from '../api.js';
import { formDialog } from '../dialog.js';
import { t } from '../i18n.js';
import { formatPropertyString } from '../property-string.js';
import { propertyGrid } from '../property-grid.js';

const keyboards = ['de', 'de-ch', 'da', 'en-gb', 'en-us', 'es', 'fi', 'fr', 'fr-be', 'fr-ca', 'fr-ch', 'hu', 'is', 'it', 'ja',
  'lt', 'mk', 'nl', 'no', 'pl', 'pt', 'pt-br', 'sv', 'sl', 'tr'];
const languages = ['ar', 'ca', 'da', 'de', 'en', 'es', 'eu', 'fa', 'fr', 'hr', 'he', 'it', 'ja', 'ka', 'kr', 'nb', 'nl', 'nn', 'pl',
  'pt_BR', 'ru', 'sl', 'sv', 'tr', 'ukr', 'zh_CN', 'zh_TW'];
const choices = (values) => [['', t('Default')], ...values.map((value) => (Array.isArray(value) ? value : [value]))];
const select = (name, label, values) => ({ name, label, type: 'select', options: choices(values) });
const text = (name, label, placeholder) => ({ name, label, placeholder });
const number = (name, label, min) => ({ name, label, type: 'number', min, placeholder: t('Default') });
const flag = (name, label) => select(name, label, [['1', t('Yes')], ['0', t('No')]]);

/** Every row: `parts` for property strings, `field` for plain settings, `fallback` shown when unset. */
const rows = () => [
  { key: 'keyboard', label: t('Keyboard Layout'), field: select('keyboard', t('Keyboard Layout'), keyboards), fallback: t('Default') },
  { key: 'language', label: t('Language'), field: select('language', t('Language'), languages), fallback: t('Default') },
  { key: 'http_proxy', label: t('HTTP proxy'), field: text('http_proxy', t('HTTP proxy'), 'http://user:password@host:port/'), fallback: t('none') },
  { key: 'console', label: t('Console Viewer'), fallback: t('Default (noVNC)'),
    field: select('console', t('Console Viewer'), [['html5', 'noVNC'], ['xtermjs', 'xterm.js'], ['vv', 'SPICE (remote-viewer)']]) },
  { key: 'email_from', label: t('Email from address'), field: text('email_from', t('Email from address'), 'root@$hostname'), fallback: 'root@$hostname' },
  { key: 'mac_prefix', label: t('MAC address prefix'), field: text('mac_prefix', t('MAC address prefix'), 'BC:24:11'), fallback: 'BC:24:11' },
  { key: 'max_workers', label: t('Maximal Workers/bulk-action'), field: number('max_workers', t('Maximal Workers/bulk-action'), 1), fallback: '4' },
  { key: 'next-id', label: t('Next Free VMID Range'), fallback: `${t('Lower')}: 100, ${t('Upper')}: 1000000`,
    parts: [number('lower', t('Lower'), 100), number('upper', t('Upper'), 100)] },
  { key: 'migration', label: t('Migration Settings'), fallback: t('Default'), defaultKey: 'type',
    parts: [select('type', t('Type'), [['secure', t('secure')], ['insecure', t('insecure')]]), text('network', t('Network'), '10.0.0.0/24')] },
  { key: 'bwlimit', label: t('Bandwidth Limits'), fallback: t('none'),
    parts: [number('default', t('Default'), 0), number('clone', t('Clone'), 0), number('migration', t('Migration'), 0),
      number('move', t('Disk Move'), 0), number('restore', t('Restore'), 0)] },
  { key: 'ha', label: t('HA Settings'), fallback: t('Default'),
    parts: [select('shutdown_policy', t('Shutdown Policy'), ['conditional', 'freeze', 'failover', 'migrate'])] },
  { key: 'fencing', label: t('Fencing'), field: select('fencing', t('Fencing'), ['watchdog', 'hardware', 'both']), fallback: 'watchdog' },
  { key: 'crs', label: t('Cluster Resource Scheduling'), fallback: t('Default'),
    parts: [select('ha', t('HA Scheduling'), ['basic', 'static', 'dynamic']), flag('ha-rebalance-on-start', t('Rebalance on Start'))] },
  { key: 'tag-style', label: t('Tag Style Override'), fallback: t('No Overrides'),
    parts: [select('shape', t('Tree Shape'), ['full', 'circle', 'dense', 'none']), select('ordering', t('Ordering'), ['config', 'alphabetical']),
      flag('case-sensitive', t('Case-Sensitive')), text('color-map', t('Color Overrides'), 'prod:ff0000;web:00aa00')] },
  { key: 'user-tag-access', label: t('User Tag Access'), fallback: t('Default'),
    parts: [select('user-allow', t('Mode'), ['free', 'existing', 'list', 'none']), text('user-allow-list', t('Predefined Tags'), 'web;prod')] },
  { key: 'registered-tags', label: t('Registered Tags'), field: text('registered-tags', t('Registered Tags'), 'web;prod'), fallback: t('none') },
  { key: 'consent-text', label: t('Consent Text'), field: text('consent-text', t('Consent Text')), fallback: t('none') },
  { key: 'u2f', label: t('U2F Settings'), fallback: t('none'),
    parts: [text('appid', t('AppID')), text('origin', t('Origin'))] },
  { key: 'webauthn', label: t('WebAuthn Settings'), fallback: t('none'),
    parts: [text('rp', t('Name')), text('origin', t('Origin')), text('id', t('ID')), flag('allow-subdomains', t('Allow Subdomains'))] },
];

const choiceLabel = (field, value) => (field?.type === 'select' ? (field.options.find(([key]) => key === String(value)) || [0, value])[1] : String(value));

/** A setting as Proxmox shows it; a property string as `Label: value, ...` in the dialog's words. */
const shown = (row, value) => {
  if (value === undefined || value === null || value === '') return row.fallback;
  if (typeof value !== 'object') return choiceLabel(row.field, value);
  const known = row.parts.filter((part) => value[part.name] !== undefined).map((part) => `${part.label}: ${choiceLabel(part, value[part.name])}`);
  const other = Object.keys(value).filter((key) => !row.parts.some((part) => part.name === key));
  return [...known, ...other.map((key) => `${key}=${value[key]}`)].join(', ');
};

function editRow(row, value, reload) {
  const fields = row.parts
    ? row.parts.map((part) => ({ ...part, value: value?.[part.name] !== undefined ? String(value[part.name]) : '' }))
    : [{ ...row.field, value: value ?? '' }];
  formDialog({
    title: t('Edit: {0}', row.label),
    fields,
    onSubmit: async (values) => {
      const setting = row.parts ? formatPropertyString(values, { defaultKey: row.defaultKey }) : String(values[row.key]).trim();
      await api.put('/cluster/options', setting ? { [row.key]: setting } : { delete: row.key });
      reload();
    },
  });
}

export function datacenterOptionsView(host) {
  let options = {};
  propertyGrid(host, {
    id: 'dc-options', label: t('Options'),
    load: async () => {
      options = await api.get('/cluster/options');
      return rows().map((row) => ({ ...row, value: shown(row, options[row.key]) }));
    },
    edit: (row, reload) => editRow(row, options[row.key], reload),
  });
}
