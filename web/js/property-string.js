// Proxmox property strings (`virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1`): parsed
// into an object in their order, and written back the same way, the default key first.

/**
 * `defaultKey` names the value of a leading entry without `=` (`file` for drives). For NICs
 * the model is written as `<model>=<MAC>`: parse with `{ models }` to get { model, macaddr }.
 */
export function parsePropertyString(text, { defaultKey = null, models = null } = {}) {
  const result = {};
  for (const part of String(text || '').split(',').filter(Boolean)) {
    const separator = part.indexOf('=');
    const key = separator < 0 ? defaultKey : part.slice(0, separator);
    const value = separator < 0 ? part : part.slice(separator + 1);
    if (models && models.includes(key)) {
      result.model = key;
      result.macaddr = value;
    } else if (key) {
      result[key] = value;
    }
  }
  return result;
}

/** Writes the object back; empty values are left out. */
export function formatPropertyString(values, { defaultKey = null, models = false } = {}) {
  const parts = [];
  if (defaultKey && values[defaultKey]) parts.push(values[defaultKey]);
  if (models && values.model) parts.push(values.macaddr ? `${values.model}=${values.macaddr}` : values.model);
  for (const [key, value] of Object.entries(values)) {
    if (key === defaultKey || (models && (key === 'model' || key === 'macaddr'))) continue;
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${key}=${value}`);
  }
  return parts.join(',');
}
