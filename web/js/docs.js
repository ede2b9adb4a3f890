// Documentation: the API reference, rendered from the daemon's own OpenAPI document, with a
// filter over paths and descriptions.
import { h, clear } from './dom.js';
import { t } from './i18n.js';

const filter = document.getElementById('docs-filter');
const root = document.getElementById('docs');
document.getElementById('docs-title').textContent = t('API reference');
filter.placeholder = t('Search');
document.documentElement.dataset.theme = localStorage.getItem('faro-theme') || 'auto';

function parameterRows(operation) {
  const rows = (operation.parameters || []).map((p) => [p.name, p.in, p.required ? t('Yes') : t('No'), p.description || p.schema?.description || '']);
  const body = operation.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
  for (const [name, schema] of Object.entries(body?.properties || {})) {
    rows.push([name, 'body', (body.required || []).includes(name) ? t('Yes') : t('No'), schema.description || '']);
  }
  return rows;
}

function render(paths, words) {
  const sections = [];
  for (const path of Object.keys(paths).sort()) {
    for (const [verb, operation] of Object.entries(paths[path])) {
      const text = `${verb} ${path} ${operation.summary}`.toLowerCase();
      if (!words.every((word) => text.includes(word))) continue;
      const rows = parameterRows(operation);
      sections.push(h('section', {},
        h('h2', {}, h('span', { class: 'verb' }, verb.toUpperCase()), path),
        h('p', {}, operation.summary),
        rows.length ? h('table', {}, h('tr', {}, [t('Name'), t('Where'), t('Required'), t('Description')].map((x) => h('th', {}, x))),
          rows.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))))) : null,
        h('p', { class: 'permissions' }, `${t('Permissions')}: ${operation['x-pve-permissions'] || ''}`)));
    }
  }
  clear(root).append(...sections);
}

const document_ = await (await fetch('/api2/openapi.json')).json();
const update = () => render(document_.paths, filter.value.toLowerCase().split(/\s+/).filter(Boolean));
filter.addEventListener('input', update);
update();
