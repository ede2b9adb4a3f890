// Loads a library that Debian ships as CommonJS modules (`require`, `exports`), such as
// xterm.js from node-xterm, into the page without a bundler: every module the entry needs
// is fetched first (found by its `require("./...")` calls), then they run in dependency
// order as Node would run them, cycles included.

const requirePattern = /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function resolve(from, name) {
  const url = new URL(name, from);
  if (!url.pathname.endsWith('.js')) url.pathname += '.js';
  return url.href;
}

/** The sources of `entry` and of every module it requires, directly or not (cycles too). */
async function fetchGraph(entry) {
  const sources = new Map();
  const inFlight = new Set();
  const start = (url) => {
    if (sources.has(url)) return;
    sources.set(url, null);
    const task = fetch(url, { credentials: 'same-origin' }).then(async (response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const source = await response.text();
      sources.set(url, source);
      for (const match of source.matchAll(requirePattern)) start(resolve(url, match[1]));
    });
    inFlight.add(task);
    task.then(() => inFlight.delete(task), () => inFlight.delete(task));
  };
  start(entry);
  while (inFlight.size) await Promise.all([...inFlight]);
  return sources;
}

/** The `module.exports` of the CommonJS module at `url` (relative to the page). */
export async function loadCommonJS(url) {
  const entry = new URL(url, location.href).href;
  const sources = await fetchGraph(entry);
  const modules = new Map();
  const load = (moduleURL) => {
    if (modules.has(moduleURL)) return modules.get(moduleURL).exports;
    if (!sources.get(moduleURL)) throw new Error(`module not loaded: ${moduleURL}`);
    const module = { exports: {} };
    modules.set(moduleURL, module);
    // eslint-disable-next-line no-new-func -- the module's own code, served by this daemon
    const body = new Function('exports', 'require', 'module', `${sources.get(moduleURL)}\n//# sourceURL=${moduleURL}`);
    body.call(module.exports, module.exports, (name) => load(resolve(moduleURL, name)), module);
    return module.exports;
  };
  return load(entry);
}
