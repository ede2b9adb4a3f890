// The splitters between the tree and the panel and above the task log: drag them (or focus
// one and use the arrow keys) to resize; the sizes are kept in localStorage.
import { t } from './i18n.js';

const limits = {
  tree: { key: 'faro-tree-width', variable: '--tree-width', min: 160, max: () => window.innerWidth - 320 },
  log: { key: 'faro-log-height', variable: '--log-height', min: 60, max: () => window.innerHeight - 200 },
};

function apply(app, which, pixels) {
  const { variable, min, max } = limits[which];
  const size = Math.round(Math.max(min, Math.min(max(), pixels)));
  app.style.setProperty(variable, `${size}px`);
  return size;
}

/**
 * splitter: the element to drag; which: 'tree' (vertical bar, sets the tree's width) or
 * 'log' (horizontal bar, sets the log panel's height); measure() gives the current size.
 */
function attach(app, splitter, which, measure) {
  const { key } = limits[which];
  const vertical = which === 'tree';
  splitter.setAttribute('role', 'separator');
  splitter.setAttribute('tabindex', '0');
  splitter.setAttribute('aria-orientation', vertical ? 'vertical' : 'horizontal');
  splitter.setAttribute('aria-label', vertical ? t('Resize the resource tree') : t('Resize the task log'));
  splitter.removeAttribute('aria-hidden');
  const saved = Number(localStorage.getItem(key));
  if (saved) apply(app, which, saved);
  const save = (size) => { localStorage.setItem(key, String(size)); splitter.setAttribute('aria-valuenow', String(size)); };

  splitter.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    splitter.setPointerCapture(event.pointerId);
    const start = vertical ? event.clientX : event.clientY;
    const initial = measure();
    app.classList.add('resizing');
    const move = (moved) => {
      const delta = (vertical ? moved.clientX : moved.clientY) - start;
      // The tree grows to the right; the log grows upwards.
      apply(app, which, vertical ? initial + delta : initial - delta);
    };
    const end = () => {
      splitter.removeEventListener('pointermove', move);
      app.classList.remove('resizing');
      save(measure());
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', end, { once: true });
    splitter.addEventListener('pointercancel', end, { once: true });
  });
  splitter.addEventListener('keydown', (event) => {
    const step = { ArrowLeft: -16, ArrowRight: 16, ArrowUp: 16, ArrowDown: -16 }[event.key];
    if (!step || (vertical !== ['ArrowLeft', 'ArrowRight'].includes(event.key))) return;
    event.preventDefault();
    save(apply(app, which, measure() + step));
  });
}

export function installSplitters(app) {
  const tree = document.getElementById('tree-pane');
  const log = document.getElementById('log-pane');
  attach(app, app.querySelector('.workspace > .splitter'), 'tree', () => tree.getBoundingClientRect().width);
  attach(app, document.getElementById('log-splitter'), 'log', () => log.getBoundingClientRect().height);
}
