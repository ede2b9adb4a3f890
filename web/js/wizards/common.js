// What the Create VM and Create CT wizards share: the node, VM ID and pool fields, and
// reloading storage choices whenever another node is chosen.
import { t } from '../i18n.js';
import * as resources from '../resources.js';

/** Online nodes from the live resource list, as [node, node] pairs. */
export function nodeOptions() {
  return [...resources.all()].filter((entry) => entry.type === 'node' && entry.status !== 'offline')
    .map((entry) => [entry.node, entry.node]).sort((a, b) => a[0].localeCompare(b[0]));
}

export function generalFields(nextid, pools) {
  return [
    { name: 'node', label: t('Node'), type: 'select', required: true },
    { name: 'vmid', label: t('VM ID'), type: 'number', min: 100, max: 999999999, value: nextid, required: true,
      validate: (vmid) => (resources.find(`qemu/${vmid}`) || resources.find(`lxc/${vmid}`) ? t('VM {0} already exists', vmid) : null) },
    { name: 'pool', label: t('Resource Pool'), type: 'select', options: [['', ''], ...pools.map((pool) => [pool.poolid, pool.poolid])] },
  ];
}

/** Calls `load(node)` now and after every change of the node field; failures are shown at the field. */
export function watchNode(rows, load) {
  const run = async () => {
    rows.node.error.hidden = true;
    try {
      await load(rows.node.input.value);
    } catch (failure) {
      rows.node.error.textContent = failure.message;
      rows.node.error.hidden = false;
    }
  };
  rows.node.input.addEventListener('change', run);
  run();
}
