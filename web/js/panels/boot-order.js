// A VM's boot order edited as Proxmox does: its disks, CD/DVD drives and network devices in
// a list, each enabled or not, moved up and down; written as `order=scsi0;ide2;net0`.
import { openWindow, showErrors } from '../dialog.js';
import { h } from '../dom.js';
import { effective, updateConfig } from '../guest-config.js';
import { t } from '../i18n.js';
import { parsePropertyString } from '../property-string.js';

const bootable = /^(ide|sata|scsi|virtio|net)\d+$/;

/** [{ key, value, enabled }]: the devices of the boot order first, in it, then the others. */
export function bootDevices(items, bootValue) {
  const present = [...items.keys()].filter((key) => bootable.test(key) && effective(items.get(key)) !== undefined)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const { order } = parsePropertyString(bootValue || '', { defaultKey: 'legacy' });
  const chosen = (order || '').split(/[;,]/).filter((key) => present.includes(key));
  return [...chosen, ...present.filter((key) => !chosen.includes(key))]
    .map((key) => ({ key, value: effective(items.get(key)), enabled: chosen.includes(key) }));
}

export function editBootOrder(entry, items, digest, reload) {
  const devices = bootDevices(items, effective(items.get('boot')));
  const win = openWindow(t('Edit: {0}', t('Boot Order')), { className: 'form-window boot-order-window' });
  const list = h('ol', { class: 'boot-order', id: 'boot-order' });
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const paint = () => {
    list.replaceChildren(...devices.map((device, index) => h('li', { dataset: { device: device.key } },
      h('input', { type: 'checkbox', id: `boot-${device.key}`, checked: device.enabled,
        onchange: (event) => { device.enabled = event.target.checked; } }),
      h('label', { for: `boot-${device.key}` }, h('strong', {}, device.key), ' ', h('span', { class: 'muted' }, device.value)),
      h('button', { type: 'button', class: 'boot-up', 'aria-label': t('Move up'), disabled: index === 0 ? true : null,
        onclick: () => move(index, -1) }, '↑'),
      h('button', { type: 'button', class: 'boot-down', 'aria-label': t('Move down'), disabled: index === devices.length - 1 ? true : null,
        onclick: () => move(index, 1) }, '↓'))));
  };
  const move = (index, step) => {
    const [device] = devices.splice(index, 1);
    devices.splice(index + step, 0, device);
    paint();
    list.querySelector(`[data-device="${device.key}"] .${step < 0 ? 'boot-up' : 'boot-down'}`)?.focus();
  };
  paint();
  const ok = h('button', { type: 'button', class: 'primary', id: 'boot-order-ok' }, t('OK'));
  ok.addEventListener('click', async () => {
    const order = devices.filter((device) => device.enabled).map((device) => device.key);
    ok.disabled = true;
    try {
      // Nothing chosen: back to the default order.
      await updateConfig(entry, { boot: order.length ? `order=${order.join(';')}` : '' }, digest);
      win.close();
      reload();
    } catch (failure) {
      showErrors(failure, [], message);
    } finally {
      ok.disabled = false;
    }
  });
  win.body.append(h('p', {}, t('Enabled devices are tried in this order.')), list, message);
  win.footer.append(h('button', { type: 'button', onclick: win.close }, t('Cancel')), ok);
  requestAnimationFrame(() => list.querySelector('input')?.focus());
}
