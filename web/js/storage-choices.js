// Choices for storage fields in dialogs and wizards: the storages of a node that hold a
// content type, and the volumes of one content type (ISO images, CT templates).
import * as api from './api.js';
import { formatBytes } from './dom.js';

const nodePath = (node) => `/nodes/${encodeURIComponent(node)}`;

/** Enabled, active storages of `node` holding `content`, with their formats: [{ storage, format, avail }]. */
export async function storagesFor(node, content) {
  const list = await api.get(`${nodePath(node)}/storage`, { content, enabled: 1, format: 1 });
  return list.filter((storage) => Number(storage.active ?? 1) === 1).sort((a, b) => a.storage.localeCompare(b.storage));
}

/** [value, label] pairs for a storage select. */
export function storageOptions(storages) {
  return storages.map((storage) => [storage.storage, storage.avail !== undefined
    ? `${storage.storage} (${storage.type}, ${formatBytes(storage.avail)})` : storage.storage]);
}

/** Every volume of `content` on the storages of `node` that hold it, as [volid, label] pairs. */
export async function volumeOptions(node, content) {
  const storages = await storagesFor(node, content);
  const lists = await Promise.all(storages.map((storage) =>
    api.get(`${nodePath(node)}/storage/${encodeURIComponent(storage.storage)}/content`, { content }).catch(() => [])));
  return lists.flat().sort((a, b) => a.volid.localeCompare(b.volid)).map((volume) => [volume.volid, volume.volid]);
}

/**
 * The image formats a storage offers and its default, from the `format` member that
 * `format=1` adds: `[{ raw: 1, qcow2: 1, ... }, 'raw']`. `subvol` is for containers only.
 * Like Proxmox's GUI, a storage that can hold qcow2 (a directory) proposes it, whatever the
 * storage's own default: it can be snapshotted and grows as it is written.
 */
export function formatsOf(storage) {
  const [supported, fallback] = (storage && storage.format) || [{ raw: 1 }, 'raw'];
  const images = Object.keys(supported).filter((format) => Number(supported[format]) && format !== 'subvol').sort();
  const preferred = images.includes('qcow2') ? 'qcow2' : fallback;
  return { supported: images, default: images.includes(preferred) ? preferred : images[0] };
}
