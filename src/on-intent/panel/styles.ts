import { FULL_SCREEN_QUERY } from './full-screen.js';

/**
 * The panel's stylesheet, adopted after the shell's (src/at-load/shell/styles.ts), whose theme variables it uses.
 * On a phone the open panel fills the screen and hides the launcher, which stays in reach until the panel is there.
 */
export const WIDGET_CSS = `\
.root{--muted:var(--aicado-muted,light-dark(#4b5563,#d1d5db));--bubble:var(--aicado-bubble,light-dark(#f3f4f6,#1f2937));--danger:light-dark(#b91c1c,#fca5a5)}\
textarea{font:inherit;color:inherit;margin:0}\
.panel-slot{display:contents}\
.panel{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);overflow:hidden}\
.bubble .panel{position:fixed;z-index:2147483000;right:20px;bottom:var(--above);width:380px;height:min(600px,calc(100vh - 32px - var(--above)));border-radius:16px;border:1px solid var(--border);box-shadow:0 12px 40px rgba(0,0,0,.25);\
opacity:0;transform:translateY(12px) scale(.98);visibility:hidden;transition:opacity .18s ease,transform .18s ease,visibility 0s linear .18s}\
.bubble.left .panel{right:auto;left:20px}\
.bubble .panel.open{opacity:1;transform:none;visibility:visible;transition-delay:0s}\
.inline{height:100%}\
.inline .panel{width:100%;height:100%;min-height:320px;border:1px solid var(--border);border-radius:12px}\
.header{display:flex;align-items:center;gap:8px;padding:12px;padding-inline-start:16px;background:var(--accent);color:var(--accent-text)}\
.header h2{flex:1;margin:0;font-size:16px;font-weight:600;line-height:1.3;color:inherit}\
.icon-button{width:36px;height:36px;border:0;border-radius:8px;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center}\
.icon-button:hover{background:rgba(255,255,255,.15)}\
.icon-button svg{width:20px;height:20px;fill:currentColor}\
.header .icon-button:focus-visible{outline-color:var(--accent-text)}\
.messages{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}\
.msg{max-width:85%;padding:9px 13px;border-radius:14px;white-space:normal;overflow-wrap:anywhere}\
.msg.user{align-self:flex-end;background:var(--accent);color:var(--accent-text);border-end-end-radius:4px;white-space:pre-wrap}\
.msg.agent{align-self:flex-start;background:var(--bubble);color:var(--fg);border-end-start-radius:4px}\
.msg p,.msg ul,.msg ol,.msg pre{margin:0 0 8px}.msg>:last-child{margin-bottom:0}\
.msg ul,.msg ol{padding-inline-start:20px}\
.msg code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:rgba(127,127,127,.18);padding:1px 4px;border-radius:4px}\
.msg pre{overflow-x:auto;padding:8px;border-radius:8px;background:rgba(127,127,127,.18)}.msg pre code{background:none;padding:0}\
.msg a{color:inherit;text-decoration:underline}\
.status{font-size:13px;color:var(--muted);margin-top:4px;display:flex;align-items:center;gap:8px}\
.status.error{color:var(--danger)}\
.status button{border:1px solid currentColor;background:transparent;border-radius:6px;padding:2px 10px;font-size:13px}\
.typing{display:inline-flex;gap:4px;padding:4px 0}\
.typing i{width:7px;height:7px;border-radius:50%;background:var(--muted);animation:blink 1.2s infinite both}\
.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}\
@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}\
.notice{padding:8px 16px;font-size:13px;background:var(--bubble);color:var(--fg);border-top:1px solid var(--border)}\
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px;border-top:1px solid var(--border);background:var(--bg)}\
.composer textarea{flex:1;font-size:16px;resize:none;min-height:40px;max-height:140px;padding:9px 12px;border:1px solid var(--border);border-radius:10px;background:var(--bg);line-height:1.4}\
.composer textarea::placeholder{color:var(--muted);opacity:1}\
.send{height:40px;padding:0 16px;border:0;border-radius:10px;background:var(--accent);color:var(--accent-text);font-weight:600}\
.send:disabled{opacity:.55;cursor:not-allowed}\
.stop{height:40px;padding:0 16px;border:1px solid var(--border);border-radius:10px;background:var(--bg);color:var(--fg);font-weight:600}\
.chips{display:flex;flex-wrap:wrap;gap:8px;justify-content:flex-end}\
.chip{border:1px solid var(--accent);border-radius:16px;padding:6px 12px;background:var(--bg);color:var(--fg);font-size:14px;text-align:start}\
.chip:hover{background:var(--bubble)}\
.who{display:flex;align-items:center;gap:6px;margin-bottom:4px;font-size:13px;font-weight:600}\
.avatar{width:20px;height:20px;border-radius:50%;object-fit:cover}\
.meta{display:flex;align-items:center;gap:4px;margin-top:4px;font-size:12px;color:var(--muted)}\
.msg.user .meta{justify-content:flex-end;color:inherit;opacity:.85}\
.progress{font-size:13px;color:var(--muted);margin-top:2px}\
.sources{margin:8px 0 0;padding-inline-start:22px;font-size:13px}.sources li{margin:2px 0}\
.actions{display:flex;align-items:center;gap:2px;margin-inline-start:auto}\
.action{width:30px;height:30px;border:0;border-radius:6px;background:transparent;color:var(--muted);display:flex;align-items:center;justify-content:center}\
.action:hover{background:rgba(127,127,127,.18)}\
.action svg{width:16px;height:16px;fill:currentColor}\
.action[aria-pressed=true]{color:var(--accent);background:rgba(127,127,127,.18)}\
.msg.notice{align-self:center;text-align:center;border:1px solid var(--border)}\
.handoff{margin:0 10px 8px;align-self:flex-end}\
.count{font-size:12px;color:var(--muted);padding:0 12px 6px;text-align:end;background:var(--bg)}\
@media ${FULL_SCREEN_QUERY}{.root.bubble .panel{top:var(--aicado-vt,0px);bottom:auto;left:0;right:0;width:auto;height:var(--aicado-vh,100dvh);border-radius:0;border:0;padding:0 env(safe-area-inset-right,0px) 0 env(safe-area-inset-left,0px)}\
.bubble .header{padding-top:calc(12px + env(safe-area-inset-top,0px))}.bubble .composer{padding-bottom:calc(10px + env(safe-area-inset-bottom,0px))}.bubble.is-open .launcher{display:none}}\
@media (prefers-reduced-motion:reduce){.panel,.typing i{transition:none!important;animation:none!important}}\
`;
