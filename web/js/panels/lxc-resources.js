// A container's Resources (memory, swap, cores, root disk, mount points), Network (netN)
// and DNS (hostname, search domain, servers), each a list edited through small dialogs.
import { confirmDialog, formDialog, showError } from '../dialog.js';
import { h, formatBytes } from '../dom.js';
import { loadConfig, updateConfig } from '../guest-config.js';
import { Grid } from '../grid.js';
import { t } from '../i18n.js';
import { formatPropertyString, parsePropertyString } from '../property-string.js';
import { bridgeField } from '../network-choices.js';

/** A list of config rows with Edit (and optionally Add/Remove); `rows(items)` builds it. */
function configList(host, entry, { label, rows, edit, add, removable = null }) {
  const gridHost = h('div', { class: 'grid-host' });
  let config = { items: new Map(), digest: null };
  const context = () => ({ entry, items: config.items, digest: config.digest, reload });
  const editButton = h('button', { type: 'button', id: `${label}-edit`, disabled: true }, t('Edit'));
  const removeButton = h('button', { type: 'button', id: `${label}-remove`, disabled: true }, t('Remove'));
  const addButton = add && h('button', { type: 'button', id: `${label}-add`, onclick: () => add(context()) }, t('Add'));
  host.append(h('div', { class: 'toolbar' }, addButton, removable && removeButton, editButton), gridHost);
  const grid = new Grid(gridHost, {
    label, rowKey: (row) => row.key, onActivate: (row) => edit(context(), row),
    onSelectionChange: ([row]) => { editButton.disabled = !row; removeButton.disabled = !row || !removable || !removable(row.key); },
    columns: [{ key: 'label', label: t('Key'), width: '220px' }, { key: 'text', label: t('Value') }],
  });
  editButton.addEventListener('click', () => { const row = grid.selected()[0]; if (row) edit(context(), row); });
  removeButton.addEventListener('click', async () => {
    const row = grid.selected()[0];
    if (!row || !(await confirmDialog(t('Are you sure you want to remove entry {0}', row.label)))) return;
    try { await updateConfig(entry, { [row.key]: '' }, config.digest); } catch (failure) { showError(failure); }
    reload();
  });
  async function reload() {
    try {
      config = await loadConfig(entry);
      grid.setRows(rows(config.items));
      grid.onSelectionChange(grid.selected());
    } catch (failure) {
      showError(failure);
    }
  }
  reload();
}

const value = (items, key, fallback = '') => items.get(key)?.value ?? fallback;
const mib = (text) => formatBytes(Number(text) * 1024 * 1024);

function editSetting(context, row, fields, transform = (values) => values) {
  formDialog({
    title: t('Edit: {0}', row.label), fields,
    onSubmit: async (values) => { await updateConfig(context.entry, transform(values), context.digest); context.reload(); },
  });
}

export function lxcResources(host, entry) {
  configList(host, entry, {
    label: 'resources',
    rows: (items) => [
      { key: 'memory', label: t('Memory'), text: mib(value(items, 'memory', '512')) },
      { key: 'swap', label: t('Swap'), text: mib(value(items, 'swap', '512')) },
      { key: 'cores', label: t('Cores'), text: value(items, 'cores', t('unlimited')) },
      { key: 'rootfs', label: t('Root Disk'), text: value(items, 'rootfs') },
      ...[...items.keys()].filter((key) => /^mp\d+$/.test(key)).sort().map((key) => ({ key, label: t('Mount Point ({0})', key), text: value(items, key) })),
    ],
    edit: (context, row) => {
      const items = context.items;
      if (row.key === 'memory' || row.key === 'swap') {
        editSetting(context, row, [
          { name: 'memory', label: t('Memory (MiB)'), type: 'number', min: 16, value: value(items, 'memory', '512'), required: true },
          { name: 'swap', label: t('Swap (MiB)'), type: 'number', min: 0, value: value(items, 'swap', '512'), required: true },
        ]);
      } else if (row.key === 'cores') {
        editSetting(context, row, [{ name: 'cores', label: t('Cores'), type: 'number', min: 1, max: 8192, value: value(items, 'cores'), placeholder: t('unlimited') }]);
      } else {
        editSetting(context, row, [{ name: row.key, label: row.label, value: value(items, row.key), required: true }]);
      }
    },
    removable: (key) => /^mp\d+$/.test(key),
  });
}

const ipModes = () => [['', t('none')], ['dhcp', 'DHCP'], ['static', t('Static')]];

/** Name, bridge, VLAN, firewall, IPv4 and IPv6 of a container NIC, as in the Create CT wizard. */
export function ctNICFields(current = {}, node = null) {
  const mode = (ip) => (!ip ? '' : ['dhcp', 'auto', 'manual'].includes(ip) ? ip : 'static');
  return [
    { name: 'name', label: t('Name'), value: current.name ?? 'eth0', required: true,
      validate: (name) => (/^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/.test(name) ? null : t('Invalid interface name')) },
    { name: 'hwaddr', label: t('MAC address'), value: current.hwaddr ?? '', placeholder: t('auto') },
    bridgeField(node, current.bridge),
    { name: 'tag', label: t('VLAN Tag'), type: 'number', min: 1, max: 4094, value: current.tag ?? '', placeholder: t('no VLAN') },
    { name: 'firewall', label: t('Firewall'), type: 'checkbox', value: current.firewall ? current.firewall === '1' : true },
    { name: 'ipmode', label: t('IPv4'), type: 'select', options: ipModes(), value: mode(current.ip) },
    { name: 'ip', label: t('IPv4/CIDR'), value: mode(current.ip) === 'static' ? current.ip : '', placeholder: '192.0.2.10/24',
      validate: (ip, values) => (values.ipmode !== 'static' || /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(ip) ? null : t('Invalid IPv4 address with prefix')) },
    { name: 'gw', label: t('Gateway (IPv4)'), value: current.gw ?? '' },
    { name: 'ip6mode', label: t('IPv6'), type: 'select', options: [...ipModes(), ['auto', 'SLAAC']], value: mode(current.ip6) },
    { name: 'ip6', label: t('IPv6/CIDR'), value: mode(current.ip6) === 'static' ? current.ip6 : '', placeholder: '2001:db8::10/64' },
    { name: 'gw6', label: t('Gateway (IPv6)'), value: current.gw6 ?? '' },
  ];
}

export function ctNICValue(values, current = {}) {
  const address = (mode, ip) => (mode === 'static' ? ip : mode);
  return formatPropertyString({
    ...current, name: values.name, bridge: values.bridge, hwaddr: values.hwaddr, tag: values.tag, firewall: values.firewall ? '1' : '',
    ip: address(values.ipmode, values.ip), gw: values.ipmode === 'static' ? values.gw : '',
    ip6: address(values.ip6mode, values.ip6), gw6: values.ip6mode === 'static' ? values.gw6 : '',
  });
}

export function lxcNetwork(host, entry) {
  configList(host, entry, {
    label: 'network',
    rows: (items) => [...items.keys()].filter((key) => /^net\d+$/.test(key)).sort((a, b) => a.slice(3) - b.slice(3))
      .map((key) => ({ key, label: key, text: value(items, key) })),
    edit: (context, row) => {
      const current = parsePropertyString(value(context.items, row.key));
      editSetting(context, row, ctNICFields(current, context.entry.node), (values) => ({ [row.key]: ctNICValue(values, current) }));
    },
    add: (context) => {
      const key = Array.from({ length: 32 }, (_, index) => `net${index}`).find((name) => !context.items.has(name));
      editSetting(context, { label: t('Network Device') }, ctNICFields({ name: `eth${key.slice(3)}` }, context.entry.node), (values) => ({ [key]: ctNICValue(values) }));
    },
    removable: () => true,
  });
}

export function lxcDNS(host, entry) {
  configList(host, entry, {
    label: 'dns',
    rows: (items) => [
      { key: 'hostname', label: t('Hostname'), text: value(items, 'hostname', `CT${entry.vmid}`) },
      { key: 'searchdomain', label: t('DNS domain'), text: value(items, 'searchdomain', t('use host settings')) },
      { key: 'nameserver', label: t('DNS servers'), text: value(items, 'nameserver', t('use host settings')) },
    ],
    edit: (context, row) => editSetting(context, row, [
      { name: row.key, label: row.label, value: value(context.items, row.key), required: row.key === 'hostname',
        placeholder: row.key === 'hostname' ? '' : t('use host settings') },
    ]),
  });
}
