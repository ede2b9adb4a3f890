// Reading and changing a guest's config for the Hardware, Options, Resources, Network and
// DNS views. VMs show current and pending values side by side (GET .../pending); a change
// carries the digest it was based on, so a concurrent edit fails instead of being lost.
import * as api from './api.js';
import { guestPath } from './guest-actions.js';

/** { items: Map key → { value, pending, delete }, digest } */
export async function loadConfig(entry) {
  const config = await api.get(`${guestPath(entry)}/config`);
  const items = new Map();
  if (entry.type === 'qemu') {
    for (const item of await api.get(`${guestPath(entry)}/pending`)) {
      items.set(item.key, { value: item.value, pending: item.pending, delete: Number(item.delete || 0) });
    }
  } else {
    for (const [key, value] of Object.entries(config)) if (key !== 'digest') items.set(key, { value: String(value) });
  }
  return { items, digest: config.digest };
}

/** The value a key will have: its pending value, or the current one (undefined when deleted). */
export function effective(item) {
  if (!item || item.delete) return undefined;
  return item.pending ?? item.value;
}

/** Empty strings become deletions; `digest` guards against a concurrent change. */
export async function updateConfig(entry, changes, digest) {
  const parameters = {};
  const deletions = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === '' || value === null || value === undefined) deletions.push(key);
    else parameters[key] = value;
  }
  if (deletions.length) parameters.delete = deletions.join(',');
  if (digest) parameters.digest = digest;
  await api.put(`${guestPath(entry)}/config`, parameters);
}
