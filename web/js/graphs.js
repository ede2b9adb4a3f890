// The metrics graphs of the Summary panels: the series of `.../rrddata` drawn with Chart.js
// (Debian's libjs-chart.js, served below /chartjs/), a time-frame and AVERAGE/MAX selector,
// tooltips with units, colours from the theme, and the last hour extended live from the
// resource stream instead of fetching the series again.
import * as api from './api.js';
import { h, clear, formatBytes, formatPercent } from './dom.js';
import { t, formatDate } from './i18n.js';
import * as resources from './resources.js';

let library = null;
/** Chart.js, loaded on the first graph. */
function chartLibrary() {
  library ??= import('/chartjs/chart.esm.js').then(({ Chart, registerables }) => {
    Chart.register(...registerables);
    return Chart;
  });
  return library;
}

const frames = () => [['hour', t('Hour')], ['day', t('Day')], ['week', t('Week')], ['month', t('Month')], ['year', t('Year')]];
const rate = (value) => `${formatBytes(value)}/s`;
const load = (value) => Number(value).toFixed(2);

/** The graphs of each kind of series: title, unit formatter and [field, label] lines. */
export const graphSets = {
  node: () => [
    { id: 'cpu', title: t('CPU usage'), format: formatPercent, max: 1, lines: [['cpu', t('CPU usage')], ['iowait', t('IO delay')]] },
    { id: 'load', title: t('Server load'), format: load, lines: [['loadavg', t('Load average')]] },
    { id: 'memory', title: t('Memory usage'), format: formatBytes, lines: [['memtotal', t('Total')], ['memused', t('RAM usage')]] },
    { id: 'network', title: t('Network traffic'), format: rate, lines: [['netin', t('netin')], ['netout', t('netout')]] },
  ],
  guest: () => [
    { id: 'cpu', title: t('CPU usage'), format: formatPercent, max: 1, lines: [['cpu', t('CPU usage')]] },
    { id: 'memory', title: t('Memory usage'), format: formatBytes, lines: [['maxmem', t('Total')], ['mem', t('RAM usage')]] },
    { id: 'network', title: t('Network traffic'), format: rate, lines: [['netin', t('netin')], ['netout', t('netout')]] },
    { id: 'disk', title: t('Disk IO'), format: rate, lines: [['diskread', t('diskread')], ['diskwrite', t('diskwrite')]] },
  ],
  storage: () => [
    { id: 'usage', title: t('Usage'), format: formatBytes, lines: [['total', t('Total')], ['used', t('Used')]] },
  ],
};

/** Fields the resource stream carries as counters; the live points turn them into rates. */
const counters = new Set(['netin', 'netout', 'diskread', 'diskwrite']);

function theme() {
  const style = getComputedStyle(document.documentElement);
  const value = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { text: value('--text', '#1f2328'), grid: value('--border', '#cfd4da'), colors: [value('--accent', '#1c6bb0'), value('--ok', '#2c9a3d'), value('--warn', '#d68b00')] };
}

function timeLabel(seconds, frame) {
  const date = new Date(seconds * 1000);
  if (frame === 'hour' || frame === 'day') return date.toTimeString().slice(0, 5);
  return formatDate(date).split(',')[0];
}

function makeChart(Chart, canvas, graph, frame) {
  const colors = theme();
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: graph.lines.map(([field, label], index) => ({
        label, field, data: [], borderColor: colors.colors[index % 3], backgroundColor: `${colors.colors[index % 3]}33`,
        fill: index === graph.lines.length - 1 ? 'origin' : false, pointRadius: 0, borderWidth: 1.5, tension: 0.2, spanGaps: false,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'linear', ticks: { color: colors.text, maxTicksLimit: 7, callback: (value) => timeLabel(value, canvas.dataset.timeframe || frame) }, grid: { color: colors.grid } },
        y: { beginAtZero: true, suggestedMax: graph.max, ticks: { color: colors.text, callback: (value) => graph.format(value) }, grid: { color: colors.grid } },
      },
      plugins: {
        legend: { labels: { color: colors.text, boxWidth: 12 } },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? formatDate(new Date(items[0].parsed.x * 1000)) : ''),
            label: (item) => `${item.dataset.label}: ${graph.format(item.parsed.y)}`,
          },
        },
      },
    },
  });
}

/**
 * Graphs of one series below `host`: `path` is the rrddata URL, `kind` a key of `graphSets`,
 * `live(listener)` (optional) subscribes to fresh samples `{field: value}` (counters as the
 * stream sends them) and returns the unsubscribe function. Returns a function that stops it.
 */
export function metricGraphs(host, { path, kind, live, id = 'rrd' }) {
  const graphs = graphSets[kind]();
  const stored = JSON.parse(localStorage.getItem('faro-graphs') || '{}');
  let frame = stored.timeframe || 'hour';
  let cf = stored.cf || 'AVERAGE';
  const frameSelect = h('select', { id: `${id}-timeframe`, 'aria-label': t('Time frame') },
    frames().map(([value, label]) => h('option', { value, selected: value === frame || null }, label)));
  const cfSelect = h('select', { id: `${id}-cf`, 'aria-label': t('Consolidation') },
    [['AVERAGE', t('Average')], ['MAX', t('Maximum')]].map(([value, label]) => h('option', { value, selected: value === cf || null }, label)));
  const message = h('p', { class: 'form-error', hidden: true });
  const grid = h('div', { class: 'graph-grid' });
  const section = h('section', { class: 'graphs', id }, h('div', { class: 'toolbar graph-toolbar' }, frameSelect, cfSelect), message, grid);
  host.append(section);
  const charts = [];
  let closed = false;
  let previous = null;

  const fill = async () => {
    section.dataset.loading = '1';
    try {
      const points = await api.get(path, { timeframe: frame, cf });
      if (closed) return;
      for (const chart of charts) {
        chart.canvas.dataset.timeframe = frame;
        for (const dataset of chart.data.datasets) {
          dataset.data = points.map((point) => ({ x: point.time, y: point[dataset.field] ?? null }));
        }
        chart.update();
      }
      section.dataset.timeframe = frame;
      section.dataset.points = String(points.filter((point) => Object.keys(point).length > 1).length);
      message.hidden = true;
    } catch (failure) {
      message.textContent = failure.message;
      message.hidden = false;
    } finally {
      delete section.dataset.loading;
    }
  };

  // A live sample extends the hour: counters become rates against the previous sample, and
  // points older than the frame's 70 minutes fall off.
  const extend = (sample) => {
    const now = Date.now() / 1000;
    const values = { ...sample };
    for (const field of counters) {
      if (!(field in sample)) continue;
      const before = previous?.[field];
      values[field] = before === undefined ? undefined
        : Math.max(0, (sample[field] >= before ? sample[field] - before : sample[field]) / Math.max(1, now - previous.time));
    }
    previous = { ...sample, time: now };
    if (frame !== 'hour' || closed) return;
    for (const chart of charts) {
      for (const dataset of chart.data.datasets) {
        if (values[dataset.field] === undefined) continue;
        dataset.data.push({ x: now, y: values[dataset.field] });
        while (dataset.data.length && dataset.data[0].x < now - 70 * 60) dataset.data.shift();
      }
      chart.update('none');
    }
    section.dataset.live = String(Number(section.dataset.live || 0) + 1);
  };

  const remember = () => localStorage.setItem('faro-graphs', JSON.stringify({ timeframe: frame, cf }));
  frameSelect.addEventListener('change', () => { frame = frameSelect.value; remember(); fill(); });
  cfSelect.addEventListener('change', () => { cf = cfSelect.value; remember(); fill(); });

  let unsubscribe = null;
  chartLibrary().then((Chart) => {
    if (closed) return;
    for (const graph of graphs) {
      const canvas = h('canvas', { 'aria-label': graph.title });
      canvas.dataset.timeframe = frame;
      grid.append(h('figure', { class: 'graph', id: `${id}-${graph.id}` }, h('figcaption', {}, graph.title), h('div', { class: 'graph-canvas' }, canvas)));
      const chart = makeChart(Chart, canvas, graph, frame);
      canvas.chart = chart;
      charts.push(chart);
    }
    fill();
    if (live) unsubscribe = live(extend);
  }, (failure) => {
    clear(grid);
    message.textContent = t('The charting library is missing (Debian package libjs-chart.js): {0}', failure.message);
    message.hidden = false;
  });
  return () => {
    closed = true;
    unsubscribe?.();
    for (const chart of charts) chart.destroy();
  };
}

/** What the resource stream says about an entry, as samples for `metricGraphs`' `live`. */
export const streamFields = {
  node: (entry) => ({ cpu: entry.cpu, memused: entry.mem, memtotal: entry.maxmem }),
  guest: (entry) => ({
    cpu: entry.cpu, mem: entry.mem, maxmem: entry.maxmem, netin: entry.netin, netout: entry.netout,
    diskread: entry.diskread, diskwrite: entry.diskwrite,
  }),
  storage: (entry) => ({ used: entry.disk, total: entry.maxdisk }),
};

/** A `live` source for `metricGraphs`: every new version of the stream's entry `id`. */
export function streamSamples(id, kind) {
  return (listener) => {
    let last = resources.find(id);
    return resources.subscribe(() => {
      const entry = resources.find(id);
      if (!entry || entry === last) return;
      last = entry;
      const sample = streamFields[kind](entry);
      for (const key of Object.keys(sample)) if (sample[key] === undefined) delete sample[key];
      listener(sample);
    });
  };
}
