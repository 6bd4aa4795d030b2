import fc from 'fast-check';
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/on-intent/panel/markdown.js';

function renderToContainer(markdown: string): HTMLDivElement {
  const container = document.createElement('div');
  render(<>{renderMarkdown(markdown)}</>, container);
  return container;
}

const html = (markdown: string) => renderToContainer(markdown).innerHTML;
const p = (inner: string) => `<p class="md-p" dir="auto">${inner}</p>`;
const link = (href: string, label: string) => `<a class="md-link" href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`;

const ALLOWED_ATTRIBUTES = new Set(['class', 'href', 'target', 'rel', 'start', 'dir']);
const FORBIDDEN_ELEMENTS = 'script, img, svg, iframe, style, object, embed, form, input, math';

/** The safety promise, checked on the real DOM that preact produced. */
function expectSafe(container: HTMLElement): void {
  expect(container.querySelector(FORBIDDEN_ELEMENTS)).toBeNull();
  for (const element of container.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      expect(attribute.name).not.toMatch(/^on/i);
      expect(ALLOWED_ATTRIBUTES.has(attribute.name), `attribute ${attribute.name}`).toBe(true);
    }
    if (element.hasAttribute('href')) {
      expect(element.tagName).toBe('A');
      expect(element.getAttribute('href')).toMatch(/^(https?|mailto):/);
      expect(element.getAttribute('rel')).toBe('noopener noreferrer');
    }
  }
}

// [name, markdown, expected innerHTML]
const cases: [string, string, string][] = [
  ['empty', '', ''],
  ['plain text', 'Hello world', p('Hello world')],
  ['paragraphs', 'One\n\nTwo', p('One') + p('Two')],
  ['blank lines with spaces and CRLF', 'One\r\n  \r\nTwo', p('One') + p('Two')],
  ['line break', 'One\nTwo', p('One<br>Two')],
  ['bold **', 'a **b** c', p('a <strong>b</strong> c')],
  ['bold __', '__b__', p('<strong>b</strong>')],
  ['italic *', '*i*', p('<em>i</em>')],
  ['italic _', 'an _i_ word', p('an <em>i</em> word')],
  ['nested emphasis', '**bold *and italic***', p('<strong>bold <em>and italic</em></strong>')],
  ['triple emphasis', '***both***', p('<em><strong>both</strong></em>')],
  // No CommonMark "rule of 3": a run that can close pairs with the nearest opener of its marker.
  ['runs pair with the nearest opener', '*foo**bar**baz*', p('<em>foo</em><em>bar</em><em>baz</em>')],
  ['italic around bold', '*a **b** c*', p('<em>a <strong>b</strong> c</em>')],
  ['intraword underscores', 'snake_case_name and __init__', p('snake_case_name and <strong>init</strong>')],
  ['intraword star emphasises', 'un*frigging*believable', p('un<em>frigging</em>believable')],
  ['spaced stars stay text', '2 * 3 * 4', p('2 * 3 * 4')],
  ['unclosed emphasis', '**bold and *more', p('**bold and *more')],
  ['escaped marker', '\\*not italic\\*', p('*not italic*')],
  ['inline code', 'run `npm test` now', p('run <code class="md-code">npm test</code> now')],
  ['inline code keeps * literal', '`a *b* c`', p('<code class="md-code">a *b* c</code>')],
  ['inline code with <tags>', '`<b>`', p('<code class="md-code">&lt;b&gt;</code>')],
  ['double backtick code', '``a ` b``', p('<code class="md-code">a ` b</code>')],
  ['code span content is verbatim', '`` `x` ``', p('<code class="md-code"> `x` </code>')],
  ['unclosed backtick', 'a `b', p('a `b')],
  [
    'fenced code',
    '```ts\nconst a = *b*;\n<b>x</b>\n```\nafter',
    '<pre class="md-pre" dir="ltr"><code class="language-ts">const a = *b*;\n&lt;b&gt;x&lt;/b&gt;</code></pre>' + p('after'),
  ],
  ['tilde fence', '~~~\nx\n~~~', '<pre class="md-pre" dir="ltr"><code>x</code></pre>'],
  ['only the same fence closes a block', '```\nx\n````', '<pre class="md-pre" dir="ltr"><code>x\n````</code></pre>'],
  [
    'unclosed fence runs to the end',
    'see:\n```py\nprint(1)\n\n**x**',
    p('see:') + '<pre class="md-pre" dir="ltr"><code class="language-py">print(1)\n\n**x**</code></pre>',
  ],
  ['one-line triple backticks are not a fence', '```x``` y', p('<code class="md-code">x</code> y')],
  ['fence language is sanitised', '```"><x\ny\n```', '<pre class="md-pre" dir="ltr"><code>y</code></pre>'],
  [
    'bullet list',
    '- one\n- **two**\n* three',
    '<ul class="md-list"><li dir="auto">one</li><li dir="auto"><strong>two</strong></li><li dir="auto">three</li></ul>',
  ],
  ['ordered list', '1. a\n2. b', '<ol class="md-list"><li dir="auto">a</li><li dir="auto">b</li></ol>'],
  ['ordered list keeps its start', '3. c\n4. d', '<ol class="md-list" start="3"><li dir="auto">c</li><li dir="auto">d</li></ol>'],
  ['parenthesis list markers', '1) a\n2) b', '<ol class="md-list"><li dir="auto">a</li><li dir="auto">b</li></ol>'],
  [
    'list after a paragraph line',
    'Steps:\n1. a\n2. b\nDone',
    p('Steps:') + '<ol class="md-list"><li dir="auto">a</li><li dir="auto">b</li></ol>' + p('Done'),
  ],
  ['loose list stays one list', '- a\n\n- b', '<ul class="md-list"><li dir="auto">a</li><li dir="auto">b</li></ul>'],
  ['indented continuation line', '- a\n  more', '<ul class="md-list"><li dir="auto">a<br>more</li></ul>'],
  ['switching list kind', '- a\n1. b', '<ul class="md-list"><li dir="auto">a</li></ul><ol class="md-list"><li dir="auto">b</li></ol>'],
  ['heading', '# Title\ntext', p('<strong>Title</strong>') + p('text')],
  ['heading level 3 with emphasis', '### A *b*', p('<strong>A <em>b</em></strong>')],
  ['hash without space', '#hashtag', p('#hashtag')],
  ['heading levels 4 to 6', '#### Four\n###### Six', p('<strong>Four</strong>') + p('<strong>Six</strong>')],
  ['closing hashes stay', '# Title #', p('<strong>Title #</strong>')],
  ['link', '[docs](https://example.com/a?b=1&c=2)', p(link('https://example.com/a?b=1&amp;c=2', 'docs'))],
  ['link with formatted label', '[**go**](http://example.com)', p(link('http://example.com/', '<strong>go</strong>'))],
  // Link titles are not supported: the bracket text stays literal and the URL is autolinked.
  ['link with title', '[a](https://example.com "Title")', p(`[a](${link('https://example.com/', 'https://example.com')} "Title")`)],
  ['link with parentheses', '[w](https://en.wikipedia.org/wiki/Foo_(bar))', p(link('https://en.wikipedia.org/wiki/Foo_(bar)', 'w'))],
  [
    'link with two levels of parentheses is text',
    '[w](https://x.org/a((b)))',
    p(`[w](${link('https://x.org/a', 'https://x.org/a')}((b)))`),
  ],
  ['mailto link', '[mail](mailto:help@example.com)', p(link('mailto:help@example.com', 'mail'))],
  ['link href is normalised', '[x]( HTTPS://Example.COM/a%20b )', p(link('https://example.com/a%20b', 'x'))],
  // As in CommonMark, a destination cannot contain spaces, so this is text, not a link to a%20b.
  ['link with a space is text', '[x]( HTTPS://Example.COM/a b )', p('[x]( HTTPS://Example.COM/a b )')],
  ['empty label shows the URL', '[](https://example.com)', p(link('https://example.com/', 'https://example.com/'))],
  ['image syntax is a link at most', '![alt](https://example.com/x.png)', p('!' + link('https://example.com/x.png', 'alt'))],
  ['relative link refused', '[x](/path)', p('[x](/path)')],
  ['protocol-relative link refused', '[x](//evil.com)', p('[x](//evil.com)')],
  ['file link refused', '[x](file:///etc/passwd)', p('[x](file:///etc/passwd)')],
  ['javascript link', '[x](javascript:alert(1))', p('[x](javascript:alert(1))')],
  ['mixed-case javascript', '[x](JaVaScRiPt:alert(1))', p('[x](JaVaScRiPt:alert(1))')],
  ['tab-obfuscated javascript', '[x](java\tscript:alert(1))', p('[x](java\tscript:alert(1))')],
  ['newline-obfuscated javascript', '[x](java\nscript:alert(1))', p('[x](java<br>script:alert(1))')],
  ['leading control characters', '[x](\u0001 javascript:alert(1))', p('[x](\u0001 javascript:alert(1))')],
  ['entity-obfuscated javascript', '[x](java&#x09;script:alert(1))', p('[x](java&amp;#x09;script:alert(1))')],
  ['entity-encoded j', '[x](&#106;avascript:alert(1))', p('[x](&amp;#106;avascript:alert(1))')],
  ['angle-bracketed javascript', '[x](<javascript:alert(1)>)', p('[x](&lt;javascript:alert(1)&gt;)')],
  ['data link', '[x](data:text/html,<script>alert(1)</script>)', p('[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;)')],
  ['vbscript link', '[x](vbscript:msgbox(1))', p('[x](vbscript:msgbox(1))')],
  ['refused link keeps its markers literal', '[*a*](javascript:x)', p('[*a*](javascript:x)')],
  ['autolink', 'see https://example.com/docs.', p(`see ${link('https://example.com/docs', 'https://example.com/docs')}.`)],
  ['autolink in parentheses', '(https://example.com)', p(`(${link('https://example.com/', 'https://example.com')})`)],
  ['autolink in bold', '**https://example.com**', p(`<strong>${link('https://example.com/', 'https://example.com')}</strong>`)],
  ['autolink keeps underscores', 'https://example.com/a_b_c', p(link('https://example.com/a_b_c', 'https://example.com/a_b_c'))],
  ['no autolink inside a word', 'xhttps://example.com', p('xhttps://example.com')],
  ['javascript is never autolinked', 'javascript:alert(1)', p('javascript:alert(1)')],
  ['script tag', '<script>alert(1)</script>', p('&lt;script&gt;alert(1)&lt;/script&gt;')],
  ['img onerror', '<img src=x onerror=alert(1)>', p('&lt;img src=x onerror=alert(1)&gt;')],
  ['svg onload', '<svg onload=alert(1)>', p('&lt;svg onload=alert(1)&gt;')],
  ['html anchor', '<a href="javascript:alert(1)">x</a>', p('&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;')],
  [
    'iframe and style',
    '<iframe src="https://x"></iframe><style>*{}</style>',
    p(
      '&lt;iframe src="<a class="md-link" href="https://x/" target="_blank" rel="noopener noreferrer">https://x</a>"&gt;&lt;/iframe&gt;&lt;style&gt;*{}&lt;/style&gt;',
    ),
  ],
  ['entities stay literal', '&lt;b&gt; &amp;', p('&amp;lt;b&amp;gt; &amp;amp;')],
  [
    'broken link markup',
    '[unclosed](https://example.com',
    p('[unclosed](<a class="md-link" href="https://example.com/" target="_blank" rel="noopener noreferrer">https://example.com</a>'),
  ],
  ['broken markup mix', '**[a](`x)** _', p('<strong>[a](`x)</strong> _')],
  ['stray markers', '* \n_\n**\n`', '<ul class="md-list"><li dir="auto"></li></ul>' + p('_<br>**<br>`')],
];

describe('renderMarkdown', () => {
  it.each(cases)('%s', (_name, markdown, expected) => {
    expect(html(markdown)).toBe(expected);
  });

  it('keeps every table case safe', () => {
    for (const [, markdown] of cases) expectSafe(renderToContainer(markdown));
  });

  it('builds elements, not HTML strings', () => {
    const container = renderToContainer('<b>hi</b> **there**');
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('strong')?.textContent).toBe('there');
    expect(container.textContent).toBe('<b>hi</b> there');
  });

  it('renders every prefix of a streamed answer safely', () => {
    const answer = [
      '# Setup',
      'Install it with `npm i aicado-embed`, then **call _init_** — see [the docs](https://example.com/docs).',
      '',
      '1. Add the script',
      '2. Call `init({ agent: "x" })`',
      '',
      '```js',
      'Aicado.init({ agent: "demo" });',
      '```',
      'Questions? https://example.com/help or [mail](mailto:help@example.com). [bad](javascript:alert(1))',
    ].join('\n');
    for (let end = 0; end <= answer.length; end++) expectSafe(renderToContainer(answer.slice(0, end)));
  });

  it('never throws and stays safe on arbitrary markdown/HTML soup', () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        '*',
        '**',
        '***',
        '_',
        '__',
        '`',
        '```',
        '```js\n',
        '~~~',
        '\n',
        '\n\n',
        ' ',
        '\t',
        '\\',
        '#',
        '# ',
        '- ',
        '* ',
        '1. ',
        '[',
        ']',
        '(',
        ')',
        '](',
        '<',
        '>',
        '"',
        "'",
        '&',
        '&#106;',
        '&#x09;',
        'javascript:',
        'JaVaScRiPt:',
        'java\tscript:',
        'data:text/html,',
        'vbscript:',
        'mailto:',
        'https://',
        'http://',
        'example.com',
        '<script>',
        '</script>',
        '<img src=x onerror=alert(1)>',
        '<svg onload=alert(1)>',
        '<iframe>',
        '<style>',
        'onclick=',
        'alert(1)',
        'snake_case',
        'word',
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (fragments) => {
        expectSafe(renderToContainer(fragments.join('')));
      }),
      { numRuns: 1500, seed: 20240611 },
    );
  });

  it('renders a 20,000-character answer in under 50 ms', () => {
    const section =
      '## Heading\nSome **bold** and *italic* text with `code`, snake_case and a [link](https://example.com/x).\n' +
      '- item one with https://example.com/auto\n- item _two_\n1. first\n2. second\n\n```ts\nconst x = 1;\n```\n\n';
    const answer = section.repeat(Math.ceil(20_000 / section.length)).slice(0, 20_000);
    renderMarkdown(answer); // warm-up
    const started = performance.now();
    renderMarkdown(answer);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('stays fast on pathological unfinished markup', () => {
    for (const unit of ['**a ', '*a_', '[a](', '[', '`', '``a ', '_a*', 'http://', '[a](b(', '_a b* ', '[a](b ', 'http://a).']) {
      const input = unit.repeat(Math.ceil(20_000 / unit.length));
      const started = performance.now();
      renderMarkdown(input);
      expect(performance.now() - started, unit).toBeLessThan(50);
    }
  });
});
