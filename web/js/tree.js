// The resource tree on the left: four views, a virtual list that only creates the rows in
// sight (10,000 guests scroll smoothly), and keyboard navigation as in a tree widget.
import { h, icon, clear, tagChips } from './dom.js';
import { t } from './i18n.js';
import * as resources from './resources.js';
import { buildTree, flatten, defaultExpanded, views } from './tree-model.js';

const rowHeight = 24;
const overscan = 8;

export class ResourceTree {
  constructor(container, { onSelect, onContextMenu }) {
    this.onSelect = onSelect;
    this.onContextMenu = onContextMenu;
    this.view = localStorage.getItem('faro-tree-view') || 'server';
    this.expanded = null;
    this.rows = [];
    this.selectedKey = 'root';
    this.viewSelect = h('select', { class: 'tree-view', 'aria-label': t('View'), onchange: () => this.setView(this.viewSelect.value) },
      views.map((view) => h('option', { value: view }, t(`${view[0].toUpperCase()}${view.slice(1)} View`))));
    this.viewSelect.value = this.view;
    this.rowsElement = h('div', { class: 'tree-rows' });
    this.spacer = h('div', { class: 'tree-spacer' }, this.rowsElement);
    this.scroller = h('div', {
      class: 'tree-scroll', role: 'tree', tabindex: '0', 'aria-label': t('Resource tree'),
      onscroll: () => this.paint(), onkeydown: (event) => this.keydown(event), onclick: (event) => this.click(event),
      oncontextmenu: (event) => this.contextMenu(event),
    }, this.spacer);
    clear(container).append(h('div', { class: 'tree-toolbar' }, this.viewSelect), this.scroller);
    this.resizeObserver = new ResizeObserver(() => this.paint());
    this.resizeObserver.observe(this.scroller);
    this.unsubscribe = resources.subscribe(() => this.rebuild());
    this.rebuild();
  }

  destroy() {
    this.unsubscribe();
    this.resizeObserver.disconnect();
  }

  setView(view) {
    this.view = view;
    this.viewSelect.value = view;
    localStorage.setItem('faro-tree-view', view);
    this.expanded = null;
    this.rebuild();
    this.scroller.scrollTop = 0;
  }

  rebuild() {
    this.tree = buildTree(this.view, [...resources.all()]);
    // New first-level groups (a node, a pool, a tag) start expanded; later the user decides.
    if (!this.expanded) { this.expanded = new Set(); this.introduced = new Set(); }
    for (const key of defaultExpanded(this.tree)) {
      if (!this.introduced.has(key)) { this.introduced.add(key); this.expanded.add(key); }
    }
    this.rows = flatten(this.tree, this.expanded);
    this.spacer.style.height = `${this.rows.length * rowHeight}px`;
    this.scroller.dataset.rows = String(this.rows.length);
    this.paint();
  }

  paint() {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / rowHeight) - overscan);
    const visible = Math.ceil((this.scroller.clientHeight || 600) / rowHeight) + 2 * overscan;
    const last = Math.min(this.rows.length, first + visible);
    this.rowsElement.style.transform = `translateY(${first * rowHeight}px)`;
    const fragment = document.createDocumentFragment();
    for (let index = first; index < last; index += 1) fragment.append(this.renderRow(this.rows[index], index));
    this.rowsElement.replaceChildren(fragment);
    const selected = this.rows.findIndex((row) => row.key === this.selectedKey);
    if (selected >= 0) this.scroller.setAttribute('aria-activedescendant', `tree-row-${selected}`);
  }

  renderRow(row, index) {
    const look = [row.status && `status-${row.status}`, row.locked && 'locked'].filter(Boolean).join(' ');
    return h('div', {
      class: `tree-row ${row.key === this.selectedKey ? 'selected' : ''} ${row.dimmed ? 'dimmed' : ''}`, role: 'treeitem', id: `tree-row-${index}`,
      title: row.status === 'offline' && row.target.kind === 'node' ? t('offline') : row.status === 'unknown' ? t('unknown') : null,
      'aria-level': String(row.depth + 1), 'aria-selected': String(row.key === this.selectedKey),
      'aria-expanded': row.hasChildren ? String(row.expanded) : null,
      dataset: { index: String(index), id: row.target.id, kind: row.target.kind },
      style: `padding-left:${4 + row.depth * 16}px`,
    },
    h('span', { class: `toggle ${row.hasChildren ? (row.expanded ? 'open' : 'closed') : ''}`, dataset: { toggle: '1' } }),
    h('span', { class: `node-icon ${look}` }, icon(row.icon), row.locked ? icon('lock', 'lock-badge') : null),
    h('span', { class: 'label' }, row.label),
    row.tags ? h('span', { class: 'tags' }, tagChips(row.tags)) : null);
  }

  click(event) {
    const element = event.target.closest('.tree-row');
    if (!element) return;
    const index = Number(element.dataset.index);
    if (event.target.dataset.toggle) this.toggle(index);
    else this.selectIndex(index);
    this.scroller.focus({ preventScroll: true });
  }

  /** Right click on a guest: select it and offer its actions. */
  contextMenu(event) {
    const element = event.target.closest('.tree-row');
    if (!element || !this.onContextMenu) return;
    const row = this.rows[Number(element.dataset.index)];
    if (row.target.kind !== 'guest') return;
    event.preventDefault();
    this.selectIndex(Number(element.dataset.index));
    this.onContextMenu(row.target, { x: event.clientX, y: event.clientY });
  }

  /** The context-menu key or Shift+F10 opens the menu of the selected row beside it. */
  keyboardMenu(index) {
    const row = this.rows[index];
    const element = this.rowsElement.querySelector(`[data-index="${index}"]`);
    if (!row || !element || !this.onContextMenu || row.target.kind !== 'guest') return;
    const rect = element.getBoundingClientRect();
    this.onContextMenu(row.target, { x: rect.left + 24, y: rect.bottom });
  }

  toggle(index, open) {
    const row = this.rows[index];
    if (!row || !row.hasChildren) return;
    const willOpen = open ?? !row.expanded;
    if (willOpen) this.expanded.add(row.key); else this.expanded.delete(row.key);
    this.rows = flatten(this.tree, this.expanded);
    this.spacer.style.height = `${this.rows.length * rowHeight}px`;
    this.paint();
  }

  selectIndex(index) {
    const row = this.rows[index];
    if (!row) return;
    this.selectedKey = row.key;
    this.scrollIntoView(index);
    this.paint();
    this.onSelect(row.target);
  }

  /** Selects the first row showing the resource with this id (from search or a link). */
  reveal(id) {
    let index = this.rows.findIndex((row) => row.target.id === id);
    if (index < 0) {
      const path = findPath(this.tree, id);
      if (!path) return false;
      for (const key of path) this.expanded.add(key);
      this.rows = flatten(this.tree, this.expanded);
      this.spacer.style.height = `${this.rows.length * rowHeight}px`;
      index = this.rows.findIndex((row) => row.target.id === id);
    }
    this.selectIndex(index);
    return true;
  }

  scrollIntoView(index) {
    const top = index * rowHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + rowHeight > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = top + rowHeight - this.scroller.clientHeight;
    }
  }

  keydown(event) {
    const index = Math.max(0, this.rows.findIndex((row) => row.key === this.selectedKey));
    const row = this.rows[index];
    const page = Math.floor(this.scroller.clientHeight / rowHeight) || 10;
    const moves = {
      ArrowDown: () => this.selectIndex(Math.min(this.rows.length - 1, index + 1)),
      ArrowUp: () => this.selectIndex(Math.max(0, index - 1)),
      PageDown: () => this.selectIndex(Math.min(this.rows.length - 1, index + page)),
      PageUp: () => this.selectIndex(Math.max(0, index - page)),
      Home: () => this.selectIndex(0),
      End: () => this.selectIndex(this.rows.length - 1),
      ArrowRight: () => (row.hasChildren && !row.expanded ? this.toggle(index, true) : this.selectIndex(index + 1)),
      ArrowLeft: () => (row.expanded ? this.toggle(index, false) : this.selectIndex(parentIndex(this.rows, index))),
      Enter: () => this.selectIndex(index),
      ' ': () => this.toggle(index),
      ContextMenu: () => this.keyboardMenu(index),
    };
    if (event.key === 'F10' && event.shiftKey) { event.preventDefault(); this.keyboardMenu(index); return; }
    if (!moves[event.key] || !row) return;
    event.preventDefault();
    moves[event.key]();
  }
}

function parentIndex(rows, index) {
  const depth = rows[index].depth;
  for (let i = index - 1; i >= 0; i -= 1) if (rows[i].depth < depth) return i;
  return index;
}

function findPath(items, id, path = []) {
  for (const item of items) {
    if (item.target.id === id) return path;
    if (item.children) {
      const found = findPath(item.children, id, [...path, item.key]);
      if (found) return found;
    }
  }
  return null;
}
