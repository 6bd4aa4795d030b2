import { h } from 'preact';
import type { ComponentChild, ComponentChildren } from 'preact';

// Everything is built as elements, never as an HTML string: markup the agent writes is shown as
// text, and the only attribute that carries input (`href`) is checked against an allowlist.

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

const FENCE = /^\s*(?:(`{3,})([^`]*)|(~{3,})(.*))$/;
const CLOSING_FENCE = /^\s*(`{3,}|~{3,})\s*$/;
const HEADING = /^ {0,3}#{1,3}[ \t]+(.*)$/;
const BULLET_ITEM = /^\s*[-*][ \t]+(.*)$/;
const ORDERED_ITEM = /^\s*(\d{1,9})[.)][ \t]+(.*)$/;
const AUTOLINK = /https?:\/\/[^\s<>"'`[\]]+/y;
const AUTOLINK_TRAILER = /[.,:;!?*_~'"]$/;
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/** Renders an agent's (possibly half-streamed) markdown as Preact elements; anything else stays literal text. */
export function renderMarkdown(text: string): ComponentChildren {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: ComponentChild[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) blocks.push(h('p', { class: 'md-p' }, renderInline(paragraph.join('\n'))));
    paragraph = [];
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      endParagraph();
      i = readCodeBlock(lines, i, blocks);
    } else if (parseListItem(line)) {
      endParagraph();
      i = readList(lines, i, blocks);
    } else if (HEADING.test(line)) {
      endParagraph();
      const title = (HEADING.exec(line)?.[1] ?? '').replace(/[ \t]+#+[ \t]*$/, '');
      blocks.push(h('p', { class: 'md-p' }, h('strong', null, renderInline(title))));
      i++;
    } else {
      if (line.trim()) paragraph.push(line.trim());
      else endParagraph();
      i++;
    }
  }
  endParagraph();
  return blocks;
}

/** Reads a fenced block starting at `start`; an unclosed fence runs to the end, as a streaming answer needs. */
function readCodeBlock(lines: readonly string[], start: number, blocks: ComponentChild[]): number {
  const [, backticks, backtickInfo, tildes, tildeInfo] = FENCE.exec(lines[start] ?? '') ?? [];
  const marker = backticks ?? tildes ?? '```';
  const language = (backtickInfo ?? tildeInfo ?? '').trim().split(/\s/)[0] ?? '';
  const code: string[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const closing = CLOSING_FENCE.exec(lines[i] ?? '')?.[1];
    if (closing && closing[0] === marker[0] && closing.length >= marker.length) break;
    code.push(lines[i] ?? '');
  }
  const codeClass = /^[\w+#.-]{1,32}$/.test(language) ? `language-${language}` : undefined;
  blocks.push(h('pre', { class: 'md-pre' }, h('code', { class: codeClass }, code.join('\n'))));
  return i + 1;
}

interface ListItem {
  ordered: boolean;
  number: number;
  content: string;
}

function parseListItem(line: string): ListItem | null {
  const bullet = BULLET_ITEM.exec(line);
  if (bullet) return { ordered: false, number: 0, content: bullet[1] ?? '' };
  const ordered = ORDERED_ITEM.exec(line);
  return ordered ? { ordered: true, number: Number(ordered[1]), content: ordered[2] ?? '' } : null;
}

/** Reads one flat list; indented lines continue an item, blank lines between items keep the list open. */
function readList(lines: readonly string[], start: number, blocks: ComponentChild[]): number {
  const first = parseListItem(lines[start] ?? '');
  const items: string[][] = [];
  let i = start;
  while (first && i < lines.length) {
    const line = lines[i] ?? '';
    const item = parseListItem(line);
    const lastItem = items.at(-1);
    if (item) {
      if (item.ordered !== first.ordered) break;
      items.push([item.content.trim()]);
    } else if (!line.trim()) {
      let next = i + 1;
      while (next < lines.length && !lines[next]?.trim()) next++;
      if (parseListItem(lines[next] ?? '')?.ordered !== first.ordered) break;
      i = next;
      continue;
    } else if (/^\s/.test(line) && !FENCE.test(line) && lastItem) {
      lastItem.push(line.trim());
    } else break;
    i++;
  }
  const children = items.map((item) => h('li', null, renderInline(item.join('\n'))));
  const start1 = first?.ordered && first.number !== 1 ? first.number : undefined;
  blocks.push(h(first?.ordered ? 'ol' : 'ul', { class: 'md-list', start: start1 }, children));
  return i;
}

type Emphasis = 'em' | 'strong';

/** A run of `*` or `_` that may open and/or close emphasis, linked to its neighbouring runs. */
class Delimiter {
  count: number;
  readonly opens: Emphasis[] = [];
  readonly closes: Emphasis[] = [];
  prev: Delimiter | null = null;
  next: Delimiter | null = null;
  constructor(
    readonly char: string,
    readonly length: number,
    readonly canOpen: boolean,
    readonly canClose: boolean,
    readonly order: number,
  ) {
    this.count = length;
  }
}

type Piece = ComponentChild | Delimiter;

function renderInline(text: string, allowLinks = true): ComponentChild[] {
  const { pieces, firstDelimiter } = scanInline(text, allowLinks);
  matchEmphasis(firstDelimiter);
  return buildTree(pieces);
}

/** Splits text into literal strings, finished elements (code, links, breaks) and emphasis delimiters. */
function scanInline(text: string, allowLinks: boolean) {
  const pieces: Piece[] = [];
  let firstDelimiter: Delimiter | null = null;
  let lastDelimiter: Delimiter | null = null;
  // Code-span searches that failed: no closer of that length exists after that position.
  const noCodeCloserAfter = new Map<number, number>();
  let parentheses: Int32Array | undefined;
  const closingParens = () => (parentheses ??= matchParentheses(text));
  let literalFrom = 0;
  const emit = (piece: Piece, from: number, resumeAt: number) => {
    if (from > literalFrom) pieces.push(text.slice(literalFrom, from));
    pieces.push(piece);
    literalFrom = resumeAt;
  };

  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '\\' && ASCII_PUNCTUATION.test(text[i + 1] ?? '')) {
      emit('', i, i + 1); // drops the backslash; the escaped character stays in the literal text
      i += 2;
    } else if (char === '\n') {
      emit(h('br', null), i, i + 1);
      i++;
    } else if (char === '`') {
      const run = runLength(text, i);
      const closer = (noCodeCloserAfter.get(run) ?? Infinity) <= i ? -1 : findCodeCloser(text, i + run, run);
      if (closer < 0) noCodeCloserAfter.set(run, i);
      else emit(h('code', { class: 'md-code' }, codeSpanText(text.slice(i + run, closer))), i, closer + run);
      i = closer < 0 ? i + run : closer + run;
    } else if (char === '*' || char === '_') {
      const run = runLength(text, i);
      const delimiter = makeDelimiter(text, i, run, pieces.length);
      delimiter.prev = lastDelimiter;
      if (lastDelimiter) lastDelimiter.next = delimiter;
      else firstDelimiter = delimiter;
      lastDelimiter = delimiter;
      emit(delimiter, i, i + run);
      i += run;
    } else if (char === '[' && allowLinks) {
      const link = scanLink(text, i, closingParens);
      // A refused link is skipped as a whole, so its label and URL stay literal text.
      if (link?.anchor) emit(link.anchor, i, link.end);
      i = link?.end ?? i + 1;
    } else if (char === 'h' && allowLinks && !/[\p{L}\p{N}]/u.test(text[i - 1] ?? '')) {
      const autolink = scanAutolink(text, i);
      if (autolink?.anchor) emit(autolink.anchor, i, autolink.end);
      i = autolink?.end ?? i + 1;
    } else i++;
  }
  if (literalFrom < text.length) pieces.push(text.slice(literalFrom));
  return { pieces, firstDelimiter };
}

function runLength(text: string, start: number): number {
  let end = start + 1;
  while (text[end] === text[start]) end++;
  return end - start;
}

function findCodeCloser(text: string, from: number, length: number): number {
  for (let at = text.indexOf('`', from); at >= 0; ) {
    const run = runLength(text, at);
    if (run === length) return at;
    at = text.indexOf('`', at + run);
  }
  return -1;
}

function codeSpanText(raw: string): string {
  const code = raw.replace(/\n/g, ' ');
  return code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() ? code.slice(1, -1) : code;
}

/** CommonMark's flanking rules, which keep `snake_case` and `2 * 3 * 4` literal. */
function makeDelimiter(text: string, start: number, length: number, order: number): Delimiter {
  const char = text[start] ?? '*';
  const before = text[start - 1] ?? ' ';
  const after = text[start + length] ?? ' ';
  const spaceBefore = /\s/.test(before);
  const spaceAfter = /\s/.test(after);
  const punctuationBefore = /[\p{P}\p{S}]/u.test(before);
  const punctuationAfter = /[\p{P}\p{S}]/u.test(after);
  const leftFlanking = !spaceAfter && (!punctuationAfter || spaceBefore || punctuationBefore);
  const rightFlanking = !spaceBefore && (!punctuationBefore || spaceAfter || punctuationAfter);
  if (char === '*') return new Delimiter(char, length, leftFlanking, rightFlanking, order);
  const canOpen = leftFlanking && (!rightFlanking || punctuationBefore);
  const canClose = rightFlanking && (!leftFlanking || punctuationAfter);
  return new Delimiter(char, length, canOpen, canClose, order);
}

/** Pairs delimiters as CommonMark's "process emphasis" does; `bottoms` keeps each search from rescanning. */
function matchEmphasis(first: Delimiter | null): void {
  const bottoms = new Map<string, number>();
  const unlink = (d: Delimiter) => {
    if (d.prev) d.prev.next = d.next;
    if (d.next) d.next.prev = d.prev;
  };
  let closer = first;
  while (closer) {
    if (!closer.canClose || closer.count === 0) {
      closer = closer.next;
      continue;
    }
    const key = `${closer.char}${closer.canOpen}${closer.length % 3}`;
    const bottom = bottoms.get(key) ?? -1;
    let opener = closer.prev;
    while (opener && opener.order > bottom && !canPair(opener, closer)) opener = opener.prev;
    if (opener && opener.order > bottom) {
      const tag: Emphasis = opener.count >= 2 && closer.count >= 2 ? 'strong' : 'em';
      const used = tag === 'strong' ? 2 : 1;
      opener.count -= used;
      closer.count -= used;
      opener.opens.unshift(tag);
      closer.closes.push(tag);
      // Delimiters between the pair can no longer match anything.
      opener.next = closer;
      closer.prev = opener;
      if (opener.count === 0) unlink(opener);
      if (closer.count === 0) {
        const next: Delimiter | null = closer.next;
        unlink(closer);
        closer = next;
      }
    } else {
      bottoms.set(key, closer.prev?.order ?? -1);
      const next: Delimiter | null = closer.next;
      if (!closer.canOpen) unlink(closer);
      closer = next;
    }
  }
}

function canPair(opener: Delimiter, closer: Delimiter): boolean {
  if (opener.char !== closer.char || !opener.canOpen || opener.count === 0) return false;
  // CommonMark's "rule of 3", which makes `*foo**bar**baz*` nest instead of pairing the wrong runs.
  const eitherBoth = opener.canClose || closer.canOpen;
  const sum = opener.length + closer.length;
  return !(eitherBoth && sum % 3 === 0 && (opener.length % 3 !== 0 || closer.length % 3 !== 0));
}

/** Turns the flat pieces into nested elements; matched delimiters are properly nested by construction. */
function buildTree(pieces: readonly Piece[]): ComponentChild[] {
  const root: ComponentChild[] = [];
  const open: { tag: Emphasis; children: ComponentChild[] }[] = [];
  const append = (child: ComponentChild) => {
    const siblings = open.at(-1)?.children ?? root;
    const last = siblings.at(-1);
    if (typeof child === 'string' && typeof last === 'string') siblings[siblings.length - 1] = last + child;
    else if (child !== '') siblings.push(child);
  };
  for (const piece of pieces) {
    if (!(piece instanceof Delimiter)) {
      append(piece);
      continue;
    }
    for (let n = piece.closes.length; n > 0; n--) {
      const element = open.pop();
      if (element) append(h(element.tag, null, element.children));
    }
    append(piece.char.repeat(piece.count));
    for (const tag of piece.opens) open.push({ tag, children: [] });
  }
  for (let element = open.pop(); element; element = open.pop()) append(h(element.tag, null, element.children));
  return root;
}

/** `[label](url)` at `start`: `end` is past the `)`, `anchor` is null when the URL is refused. */
function scanLink(text: string, start: number, closingParens: () => Int32Array) {
  let labelEnd = start + 1;
  // Stopping at a nested `[` keeps the scans disjoint, hence linear.
  while (labelEnd < text.length && text[labelEnd] !== ']' && text[labelEnd] !== '[') labelEnd++;
  if (text[labelEnd] !== ']' || text[labelEnd + 1] !== '(') return null;
  const urlEnd = closingParens()[labelEnd + 1] ?? -1;
  if (urlEnd < 0) return null;
  const href = safeHref(linkDestination(text.slice(labelEnd + 2, urlEnd)));
  const label = text.slice(start + 1, labelEnd);
  return { end: urlEnd + 1, anchor: href ? anchor(href, renderInline(label.trim() ? label : href, false)) : null };
}

/** For each `(`, the index of its balancing `)` on the same line, else -1: one pass instead of a scan per link. */
function matchParentheses(text: string): Int32Array {
  const partner = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '(') open.push(i);
    else if (char === '\n') open.length = 0;
    else if (char === ')') {
      const opening = open.pop();
      if (opening !== undefined) partner[opening] = i;
    }
  }
  return partner;
}

function linkDestination(raw: string): string {
  const destination = raw.trim().replace(/^(\S+)\s+("[^"]*"|'[^']*')$/, '$1');
  return destination.startsWith('<') && destination.endsWith('>') ? destination.slice(1, -1) : destination;
}

function scanAutolink(text: string, start: number) {
  AUTOLINK.lastIndex = start;
  let url = AUTOLINK.exec(text)?.[0];
  if (!url) return null;
  // Trailing punctuation and an unbalanced `)` belong to the sentence, not the URL.
  for (;;) {
    if (AUTOLINK_TRAILER.test(url)) url = url.slice(0, -1);
    else if (url.endsWith(')') && url.split('(').length < url.split(')').length) url = url.slice(0, -1);
    else break;
  }
  const href = safeHref(url);
  return { end: start + url.length, anchor: href ? anchor(href, url) : null };
}

/** The normalised URL when it is http(s) or mailto, else null. */
function safeHref(raw: string): string | null {
  // Browsers strip these before parsing (so `java\tscript:` is `javascript:`); check what they would follow.
  const cleaned = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  try {
    const url = new URL(cleaned);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function anchor(href: string, children: ComponentChildren): ComponentChild {
  return h('a', { class: 'md-link', href, target: '_blank', rel: 'noopener noreferrer' }, children);
}
