// A small, safe Markdown renderer for notes: headings, paragraphs, lists, code blocks,
// inline code, bold, italic and links. It builds DOM nodes, never HTML strings.
import { h } from './dom.js';

const inlinePattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|(\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  const parts = [];
  let rest = text;
  while (rest) {
    const match = rest.match(inlinePattern);
    if (!match) { parts.push(rest); break; }
    if (match.index > 0) parts.push(rest.slice(0, match.index));
    const token = match[0];
    if (match[1]) parts.push(h('code', {}, token.slice(1, -1)));
    else if (match[2]) parts.push(h('strong', {}, inline(token.slice(2, -2))));
    else if (match[3]) parts.push(h('em', {}, inline(token.slice(1, -1))));
    else {
      const [, label, href] = token.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
      const safe = /^(https?:|mailto:|\/|#)/i.test(href) ? href : '#';
      parts.push(h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer' }, label));
    }
    rest = rest.slice(match.index + token.length);
  }
  return parts;
}

export function renderMarkdown(text) {
  const root = h('div', { class: 'markdown' });
  const lines = (text || '').split('\n');
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.startsWith('```')) {
      const code = [];
      index += 1;
      while (index < lines.length && !lines[index].startsWith('```')) { code.push(lines[index]); index += 1; }
      root.append(h('pre', {}, h('code', {}, code.join('\n'))));
      index += 1;
    } else if (/^#{1,6}\s/.test(line)) {
      const level = line.match(/^#+/)[0].length;
      root.append(h(`h${Math.min(level + 1, 6)}`, {}, inline(line.replace(/^#+\s*/, ''))));
      index += 1;
    } else if (/^\s*([-*]|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = h(ordered ? 'ol' : 'ul');
      while (index < lines.length && /^\s*([-*]|\d+\.)\s/.test(lines[index])) {
        list.append(h('li', {}, inline(lines[index].replace(/^\s*([-*]|\d+\.)\s/, ''))));
        index += 1;
      }
      root.append(list);
    } else if (!line.trim()) {
      index += 1;
    } else {
      const paragraph = [];
      while (index < lines.length && lines[index].trim() && !/^(#{1,6}\s|```|\s*([-*]|\d+\.)\s)/.test(lines[index])) {
        paragraph.push(lines[index]);
        index += 1;
      }
      root.append(h('p', {}, inline(paragraph.join(' '))));
    }
  }
  return root;
}
