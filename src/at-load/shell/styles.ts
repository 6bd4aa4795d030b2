/**
 * What the page needs at load (host element, theme variables, launcher); the panel's rules come with it.
 * `:host`'s `all: initial` beats host rules as it is `!important` inside the shadow tree; `light-dark()` on
 * the inherited `color-scheme` makes the widget dark only when the host page supports dark and the visitor prefers it.
 */
/**
 * Launchers of one corner stack upwards by a launcher's height and a gap (see corners.ts); `--above` is
 * where things open above the topmost one: the load notice here, the panel in src/on-intent/panel/styles.ts.
 */
const STACK = 'var(--aicado-stack,0)*68px';

export const SHELL_CSS = `\
:host{all:initial!important;display:contents!important;color-scheme:inherit!important}\
:host([data-mode=inline]){display:block!important;width:100%!important;height:100%!important}\
*,::before,::after{box-sizing:border-box}\
.root{--above:calc(88px + var(--aicado-stack-top,0)*68px);--accent:var(--aicado-accent,#4f46e5);--accent-text:var(--aicado-accent-text,#fff);--bg:var(--aicado-bg,light-dark(#fff,#111827));--fg:var(--aicado-fg,light-dark(#111827,#f9fafb));--border:var(--aicado-border,light-dark(#d1d5db,#4b5563));\
font:15px/1.45 var(--aicado-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--fg);-webkit-font-smoothing:antialiased;text-align:start;letter-spacing:normal;text-transform:none}\
.root.light{color-scheme:light}.root.dark{color-scheme:dark}\
button{font:inherit;color:inherit;margin:0;cursor:pointer}\
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\
.sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}\
.launcher{position:fixed;z-index:2147483000;bottom:calc(20px + env(safe-area-inset-bottom,0px) + ${STACK});right:calc(20px + env(safe-area-inset-right,0px));width:56px;height:56px;border:0;border-radius:50%;display:grid;place-items:center;background:var(--accent);color:var(--accent-text);box-shadow:0 6px 20px rgba(0,0,0,.25);transition:transform .15s}\
.left .launcher{right:auto;left:calc(20px + env(safe-area-inset-left,0px))}\
.launcher:hover{transform:scale(1.06)}\
.launcher svg{width:26px;height:26px;fill:currentColor}\
.badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:20px;padding:0 5px;border-radius:10px;background:#b91c1c;color:#fff;font:700 12px/20px sans-serif}\
.badge:empty{display:none}\
.load-notice{position:fixed;z-index:2147483000;bottom:var(--above);right:20px;max-width:280px;padding:10px 14px;border-radius:12px;background:var(--bg);color:var(--fg);border:1px solid var(--border);box-shadow:0 6px 20px rgba(0,0,0,.2);font-size:14px}\
.left .load-notice{right:auto;left:20px}\
.load-notice:empty{padding:0;border:0;box-shadow:none}\
.inline .load-notice{position:static;max-width:none}\
@media (prefers-reduced-motion:reduce){.launcher{transition:none!important}}\
`;
