// A grid with sortable columns, a text filter and a virtual body: only the rows in sight
// exist in the DOM, so the 10,000-entry Search view stays fast. Arrow keys move the
// selection, Enter (or a double click) activates, Ctrl/Shift-click selects several.
import { h, clear } from './dom.js';
import { t } from './i18n.js';

const rowHeight = 26;
const overscan = 6;

export class Grid {
  constructor(container, { columns, rowKey = (row) => row.id, onActivate, onSelectionChange, multiSelect = false, label = '' }) {
    Object.assign(this, { columns, rowKey, onActivate, onSelectionChange, multiSelect });
    this.allRows = [];
    this.rows = [];
    this.filterText = '';
    this.sortKey = null;
    this.sortDirection = 1;
    this.selectedKeys = new Set();
    this.cursor = -1;
    this.template = columns.map((column) => column.width || '1fr').join(' ');
    this.header = h('div', { class: 'grid-header', role: 'row', style: `grid-template-columns:${this.template}` },
      columns.map((column) => h('div', {
        class: 'grid-cell', role: 'columnheader', tabindex: column.sortable === false ? null : '0', dataset: { key: column.key },
        onclick: () => this.sortBy(column), onkeydown: (event) => { if (event.key === 'Enter') this.sortBy(column); },
      }, column.label)));
    this.body = h('div', { class: 'grid-rows' });
    this.spacer = h('div', { class: 'grid-spacer' }, this.body);
    this.scroller = h('div', {
      class: 'grid-scroll', tabindex: '0', onscroll: () => this.paint(), onkeydown: (event) => this.keydown(event),
      onclick: (event) => this.click(event), ondblclick: (event) => this.doubleClick(event),
    }, this.spacer);
    this.element = h('div', { class: 'grid', role: 'grid', 'aria-label': label, 'aria-multiselectable': multiSelect ? 'true' : null },
      this.header, this.scroller);
    this.empty = h('div', { class: 'grid-empty', hidden: true }, t('No items'));
    this.scroller.append(this.empty);
    clear(container).append(this.element);
    new ResizeObserver(() => this.paint()).observe(this.scroller);
  }

  setRows(rows) {
    this.allRows = rows;
    this.refresh();
  }

  /** Keeps rows whose text (every column) contains all words of `text`. */
  setFilter(text) {
    this.filterText = text.trim().toLowerCase();
    this.refresh();
  }

  refresh() {
    const words = this.filterText.split(/\s+/).filter(Boolean);
    let rows = this.allRows;
    if (words.length) {
      rows = rows.filter((row) => {
        const haystack = this.columns.map((column) => String(this.sortValue(column, row) ?? '')).join(' ').toLowerCase();
        return words.every((word) => haystack.includes(word));
      });
    } else {
      rows = rows.slice();
    }
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (column) {
      rows.sort((a, b) => compare(this.sortValue(column, a), this.sortValue(column, b)) * this.sortDirection);
    }
    this.rows = rows;
    this.spacer.style.height = `${rows.length * rowHeight}px`;
    this.element.dataset.rows = String(rows.length);
    this.empty.hidden = rows.length > 0;
    this.paint();
  }

  sortValue(column, row) {
    return column.value ? column.value(row) : row[column.key];
  }

  sortBy(column) {
    if (column.sortable === false) return;
    this.sortDirection = this.sortKey === column.key ? -this.sortDirection : 1;
    this.sortKey = column.key;
    for (const cell of this.header.children) {
      cell.setAttribute('aria-sort', cell.dataset.key === column.key ? (this.sortDirection > 0 ? 'ascending' : 'descending') : 'none');
    }
    this.refresh();
  }

  paint() {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / rowHeight) - overscan);
    const count = Math.ceil((this.scroller.clientHeight || 400) / rowHeight) + 2 * overscan;
    const last = Math.min(this.rows.length, first + count);
    this.body.style.transform = `translateY(${first * rowHeight}px)`;
    const fragment = document.createDocumentFragment();
    for (let index = first; index < last; index += 1) {
      const row = this.rows[index];
      const selected = this.selectedKeys.has(this.rowKey(row));
      fragment.append(h('div', {
        class: `grid-row ${selected ? 'selected' : ''} ${index === this.cursor ? 'cursor' : ''}`, role: 'row',
        'aria-selected': String(selected), style: `grid-template-columns:${this.template}`, dataset: { index: String(index) },
      }, this.columns.map((column) => {
        const content = column.render ? column.render(row) : this.sortValue(column, row);
        return h('div', { class: `grid-cell ${column.align === 'right' ? 'right' : ''}`, role: 'gridcell' }, content ?? '');
      })));
    }
    this.body.replaceChildren(fragment);
  }

  markSelection() {
    for (const element of this.body.children) {
      const index = Number(element.dataset.index);
      const selected = this.selectedKeys.has(this.rowKey(this.rows[index]));
      element.classList.toggle('selected', selected);
      element.classList.toggle('cursor', index === this.cursor);
      element.setAttribute('aria-selected', String(selected));
    }
  }

  selected() {
    return this.allRows.filter((row) => this.selectedKeys.has(this.rowKey(row)));
  }

  select(index, { toggle = false, range = false } = {}) {
    if (index < 0 || index >= this.rows.length) return;
    const key = this.rowKey(this.rows[index]);
    if (this.multiSelect && range && this.cursor >= 0) {
      const [from, to] = [Math.min(this.cursor, index), Math.max(this.cursor, index)];
      for (let i = from; i <= to; i += 1) this.selectedKeys.add(this.rowKey(this.rows[i]));
    } else if (this.multiSelect && toggle) {
      if (this.selectedKeys.has(key)) this.selectedKeys.delete(key); else this.selectedKeys.add(key);
    } else {
      this.selectedKeys = new Set([key]);
    }
    this.cursor = index;
    const top = index * rowHeight;
    const before = this.scroller.scrollTop;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + rowHeight > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = top + rowHeight - this.scroller.clientHeight;
    }
    // Without scrolling the rows stay in place (a double click must hit the same element).
    if (this.scroller.scrollTop === before) this.markSelection(); else this.paint();
    if (this.onSelectionChange) this.onSelectionChange(this.selected());
  }

  click(event) {
    const element = event.target.closest('.grid-row');
    if (element) this.select(Number(element.dataset.index), { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey });
  }

  doubleClick(event) {
    const element = event.target.closest('.grid-row');
    if (element && this.onActivate) this.onActivate(this.rows[Number(element.dataset.index)]);
  }

  keydown(event) {
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (moves[event.key]) {
      event.preventDefault();
      const start = this.cursor < 0 ? 0 : this.cursor + moves[event.key];
      this.select(Math.max(0, Math.min(this.rows.length - 1, start)), { range: event.shiftKey });
    } else if (event.key === 'Enter' && this.cursor >= 0 && this.onActivate) {
      this.onActivate(this.rows[this.cursor]);
    }
  }
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { numeric: true });
}
