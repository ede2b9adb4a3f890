// Choices for bridge fields: the node's bridges as the host has them (GET /nodes/{node}/network).
import * as api from './api.js';
import { t } from './i18n.js';

/**
 * [value, label] pairs: the node's bridges by name, the guest's current bridge kept even when
 * the host no longer has it, and last "none" (a NIC without a bridge).
 */
export async function bridgeOptions(node, current = '') {
  const list = await api.get(`/nodes/${encodeURIComponent(node)}/network`, { type: 'any_bridge' }).catch(() => []);
  const names = list.map((entry) => entry.iface).sort((a, b) => a.localeCompare(b));
  if (current && !names.includes(current)) names.push(current);
  return [...names.map((name) => [name, name]), ['', t('none')]];
}

/** A bridge select for dialogs; its choices arrive from the node (see formRows' `choices`). */
export function bridgeField(node, current) {
  const value = current ?? 'vmbr0';
  return { name: 'bridge', label: t('Bridge'), type: 'select', options: value ? [[value, value]] : [], value,
    choices: node ? () => bridgeOptions(node, current) : null };
}
