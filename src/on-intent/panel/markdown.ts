import { h } from 'preact';
import type { ComponentChild, ComponentChildren } from 'preact';

// Each paragraph and list item takes its direction from its own text (`dir="auto"`): an English answer in
// an Arabic widget reads left to right, and code is always left to right.
// Everything is built as elements, never as an HTML string: markup the agent writes is shown as
// text, and the only attribute that carries input (`href`) is the browser's own parse of an
// http(s)/mailto URL. The rules are a small, chat-sized subset of CommonMark, chosen for bytes.

const FENCE = /^\s*(`{3,}|~{3,})([^`]*)$/;
const ITEM = /^\s*(?:[-*]|(\d{1,9})[.)])[ \t]+(.*)/;
const HEADING = /^\s*#{1,6}[ \t]+(.*)/;
const WORD = /[\p{L}\p{N}]/u;

/** Renders an agent's (possibly half-streamed) markdown as Preact elements; anything else stays literal text. */
export function renderMarkdown(text: string): ComponentChildren {
  const blocks: ComponentChild[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  let number: string | undefined; // the open list's first number; undefined for bullets
  let fence = ''; // of the open code block
  let language = '';
  let code: string[] = [];
  let blank = false; // since the last list item: ends its continuation lines
  const flush = () => {
    if (paragraph.length) blocks.push(h('p', { class: 'md-p', dir: 'auto' }, renderInline(paragraph.join('\n'))));
    if (items.length) {
      const children = items.map((item) => h('li', { dir: 'auto' }, renderInline(item.trim())));
      const start = number && +number !== 1 ? +number : undefined;
      blocks.push(h(number ? 'ol' : 'ul', { class: 'md-list', start }, children));
    }
    paragraph = [];
    items = [];
  };
  const pre = () =>
    h('pre', { class: 'md-pre', dir: 'ltr' }, h('code', { class: language ? `language-${language}` : undefined }, code.join('\n')));

  for (const line of text.split(/\r\n?|\n/)) {
    const opening = FENCE.exec(line);
    const item = ITEM.exec(line);
    const heading = HEADING.exec(line);
    if (fence) {
      if (line.trim() === fence) {
        blocks.push(pre());
        fence = '';
      } else code.push(line);
    } else if (opening) {
      flush();
      fence = opening[1] ?? '';
      language = (opening[2] ?? '').trim().split(/\s/)[0] ?? '';
      if (!/^[\w+#.-]{1,32}$/.test(language)) language = '';
      code = [];
    } else if (item) {
      // A bullet after a number, or the other way round, starts a new list.
      if (!items.length || !item[1] !== !number) flush();
      if (!items.length) number = item[1];
      items.push(item[2] ?? '');
      blank = false;
    } else if (!line.trim()) {
      // A blank line ends a paragraph but not a list: loose lists stay one list.
      if (!items.length) flush();
      blank = true;
    } else if (items.length && !blank && /^\s/.test(line)) {
      items[items.length - 1] += `\n${line.trim()}`;
    } else if (heading) {
      flush();
      blocks.push(h('p', { class: 'md-p', dir: 'auto' }, h('strong', null, renderInline((heading[1] ?? '').trim()))));
    } else {
      if (items.length) flush();
      paragraph.push(line.trim());
    }
  }
  // An unclosed fence runs to the end, as a half-streamed answer needs.
  if (fence) blocks.push(pre());
  flush();
  return blocks;
}

/**
 * One alternative per construct, each starting with its own character: a line break, a backtick run, an
 * emphasis run, a backslash escape, `[label](url)` with one level of parentheses in the URL, a bare URL.
 * No alternative can backtrack past the next bracket, parenthesis or space, which keeps the scan linear.
 */
const INLINE =
  /\n|(`+)|([*_])\2*|\\([!-/:-@[-`{-~])|\[([^[\]]*)\]\(\s*((?:[^\s()]|\([^\s()]*\))*)\s*\)|https?:\/\/(?:[^\s<>"'`[\]()]|\([^\s<>"'`[\]()]*\))+/g;

interface Opener {
  n: number; // markers left
  at: number; // index of its literal text in the output
}

function renderInline(text: string, links = true): ComponentChild[] {
  const out: ComponentChild[] = [];
  const openers: Record<string, Opener[]> = { '*': [], _: [] };
  const noCloser: Record<string, boolean> = {};
  const token = new RegExp(INLINE); // own lastIndex: labels are rendered recursively
  let done = 0;
  for (let m; (m = token.exec(text)); done = token.lastIndex) {
    const [match, ticks, marker, escaped, label, url] = m;
    const at = m.index;
    let node: ComponentChild = match;
    out.push(text.slice(done, at));
    if (match === '\n') node = h('br', null);
    else if (ticks) {
      // Once no run of this length follows, none will follow a later one either.
      const close = noCloser[ticks] ? -1 : findRun(text, ticks, token.lastIndex);
      if (close < 0) noCloser[ticks] = true;
      else {
        node = h('code', { class: 'md-code' }, text.slice(token.lastIndex, close));
        token.lastIndex = close + ticks.length;
      }
    } else if (marker) {
      const before = text.charAt(at - 1);
      const after = text.charAt(token.lastIndex);
      // Markers never delimit with a space on their inside (`2 * 3`), and `_` never inside a word (`snake_case`).
      const canOpen = /\S/.test(after) && !(marker === '_' && WORD.test(before));
      const canClose = /\S/.test(before) && !(marker === '_' && WORD.test(after));
      const own = openers[marker] ?? [];
      const other = openers[marker === '*' ? '_' : '*'] ?? [];
      let n = match.length;
      for (let opener; canClose && n && (opener = own.at(-1)); ) {
        // Openers of the other marker inside the pair can no longer close anything.
        while ((other.at(-1)?.at ?? -1) > opener.at) other.pop();
        const used = n > 1 && opener.n > 1 ? 2 : 1;
        n -= used;
        opener.n -= used;
        out.push(h(used > 1 ? 'strong' : 'em', null, out.splice(opener.at + 1)));
        out[opener.at] = marker.repeat(opener.n);
        if (!opener.n) own.pop();
      }
      node = marker.repeat(n);
      if (canOpen && n) own.push({ n, at: out.length });
    } else if (escaped) node = escaped;
    else if (url != null) {
      // A refused link stays literal as a whole, markers and all.
      const href = safeHref(url);
      if (href) node = anchor(href, label?.trim() ? renderInline(label, false) : href);
    } else {
      // Trailing punctuation belongs to the sentence, not to the URL.
      let length = match.length;
      while (/[.,:;!?*_~'"]/.test(match.charAt(length - 1))) length--;
      node = match.slice(0, length);
      token.lastIndex = at + length;
      const href = links && !WORD.test(text.charAt(at - 1)) && safeHref(node);
      if (href) node = anchor(href, node);
    }
    out.push(node);
  }
  out.push(text.slice(done));
  return out;
}

/** Where the next backtick run of exactly `ticks` starts, else -1. */
function findRun(text: string, ticks: string, from: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m; (m = runs.exec(text)); ) if (m[0] === ticks) return m.index;
  return -1;
}

/** The normalised URL when it is http(s) or mailto; the parser is the browser's, so `java\tscript:` is caught. */
function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (/^(https?|mailto):$/.test(url.protocol)) return url.href;
  } catch {
    // Not an absolute URL: relative links would resolve against the host page, so they stay text.
  }
  return undefined;
}

function anchor(href: string, children: ComponentChildren): ComponentChild {
  return h('a', { class: 'md-link', href, target: '_blank', rel: 'noopener noreferrer' }, children);
}
