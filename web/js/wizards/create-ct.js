// The Create CT wizard: General, Template, Disks, CPU, Memory, Network, DNS, Confirm, with
// the defaults of Proxmox's GUI (unprivileged, nesting, 8 GiB root disk, 512 MiB memory
// and swap, eth0 on vmbr0); the next free VMID is proposed.
import * as api from '../api.js';
import { setOptions } from '../dialog.js';
import { t } from '../i18n.js';
import { ctNICFields, ctNICValue } from '../panels/lxc-resources.js';
import { bridgeOptions } from '../network-choices.js';
import { storageOptions, storagesFor } from '../storage-choices.js';
import { taskStarted } from '../tasks.js';
import { openWizard } from '../wizard.js';
import { generalFields, nodeOptions, watchNode } from './common.js';

function steps(nextid, pools) {
  return [
    { id: 'general', label: t('General'), fields: [
      ...generalFields(nextid, pools),
      { name: 'hostname', label: t('Hostname'), validate: (name) => (/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(name) ? null : t('Invalid DNS name')) },
      { name: 'unprivileged', label: t('Unprivileged container'), type: 'checkbox', value: true },
      { name: 'nesting', label: t('Nesting'), type: 'checkbox', value: true },
      { name: 'password', label: t('Password'), type: 'password', autocomplete: 'new-password',
        validate: (password, values) => (password.length < 5 ? t('The password must have at least {0} characters', 5)
          : password !== values.confirm ? t('Passwords do not match') : null) },
      { name: 'confirm', label: t('Confirm password'), type: 'password', autocomplete: 'new-password' },
      { name: 'ssh-public-keys', label: t('SSH public key(s)'), type: 'textarea', rows: 3 },
    ] },
    { id: 'template', label: t('Template'), fields: [
      { name: 'templatestorage', label: t('Storage'), type: 'select', required: true },
      { name: 'ostemplate', label: t('Template'), type: 'select', required: true },
    ] },
    { id: 'disks', label: t('Disks'), fields: [
      { name: 'storage', label: t('Storage'), type: 'select', required: true },
      { name: 'size', label: t('Disk size (GiB)'), type: 'number', min: 0.001, max: 131072, step: 'any', value: 8, required: true },
    ] },
    { id: 'cpu', label: t('CPU'), fields: [{ name: 'cores', label: t('Cores'), type: 'number', min: 1, max: 8192, value: 1, required: true }] },
    { id: 'memory', label: t('Memory'), fields: [
      { name: 'memory', label: t('Memory (MiB)'), type: 'number', min: 16, value: 512, required: true },
      { name: 'swap', label: t('Swap (MiB)'), type: 'number', min: 0, value: 512, required: true },
    ] },
    { id: 'network', label: t('Network'), fields: ctNICFields() },
    { id: 'dns', label: t('DNS'), fields: [
      { name: 'searchdomain', label: t('DNS domain'), placeholder: t('use host settings') },
      { name: 'nameserver', label: t('DNS servers'), placeholder: t('use host settings') },
    ] },
  ];
}

/** What the wizard sends to POST /nodes/{node}/lxc. */
export function ctParameters(values) {
  return {
    vmid: values.vmid, hostname: values.hostname || undefined, pool: values.pool || undefined,
    unprivileged: values.unprivileged ? 1 : 0, features: values.nesting ? 'nesting=1' : undefined,
    password: values.password || undefined, 'ssh-public-keys': values['ssh-public-keys'].trim() || undefined,
    ostemplate: values.ostemplate, rootfs: `${values.storage}:${values.size}`,
    cores: values.cores, memory: values.memory, swap: values.swap, net0: ctNICValue(values),
    searchdomain: values.searchdomain || undefined, nameserver: values.nameserver || undefined,
  };
}

function setup(rows) {
  let node = null;
  const loadTemplates = async () => {
    const storage = rows.templatestorage.input.value;
    const templates = storage ? await api.get(`/nodes/${encodeURIComponent(node)}/storage/${encodeURIComponent(storage)}/content`, { content: 'vztmpl' }) : [];
    setOptions(rows.ostemplate.input, templates.map((volume) => [volume.volid, volume.volid.split('/').pop()]));
  };
  rows.templatestorage.input.addEventListener('change', () => loadTemplates().catch(() => setOptions(rows.ostemplate.input, [])));
  watchNode(rows, async (chosen) => {
    node = chosen;
    const [templateStorages, rootStorages, bridges] = await Promise.all([storagesFor(node, 'vztmpl'), storagesFor(node, 'rootdir'), bridgeOptions(node)]);
    setOptions(rows.bridge.input, bridges);
    setOptions(rows.templatestorage.input, storageOptions(templateStorages));
    setOptions(rows.storage.input, storageOptions(rootStorages));
    await loadTemplates();
  });
}

export async function createCT(defaultNode) {
  const [nextid, pools] = await Promise.all([api.get('/cluster/nextid'), api.get('/pools').catch(() => [])]);
  const nodes = nodeOptions();
  openWizard({
    title: t('Create: LXC Container'), id: 'create-ct', steps: steps(nextid, pools),
    setup: (rows) => { setOptions(rows.node.input, nodes, defaultNode); setup(rows); },
    parameters: ctParameters,
    submit: async (parameters, values) => {
      taskStarted(await api.post(`/nodes/${encodeURIComponent(values.node)}/lxc`, parameters));
    },
  });
}
