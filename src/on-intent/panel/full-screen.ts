/** Below this width the open bubble panel fills the screen (the stylesheet uses the same query). */
export const FULL_SCREEN_QUERY = '(max-width:479.98px)';

/**
 * While the bubble panel fills a phone's screen, it follows the visual viewport, which the on-screen keyboard
 * shrinks (the layout viewport it does not), so the composer stays above it; returns the undo, for the close.
 */
export function followFullScreen(root: HTMLElement): () => void {
  const query = matchMedia(FULL_SCREEN_QUERY);
  let release: (() => void) | undefined;
  const update = () => {
    if (query.matches) release ??= fillVisualViewport(root);
    else {
      release?.();
      release = undefined;
    }
  };
  update();
  query.addEventListener('change', update);
  return () => {
    query.removeEventListener('change', update);
    release?.();
  };
}

function fillVisualViewport(element: HTMLElement): () => void {
  const viewport = window.visualViewport;
  // Set through CSSOM, which a strict Content-Security-Policy allows (style attributes it does not).
  const follow = () => {
    if (!viewport) return;
    element.style.setProperty('--aicado-vh', `${viewport.height}px`);
    element.style.setProperty('--aicado-vt', `${viewport.offsetTop}px`);
  };
  follow();
  viewport?.addEventListener('resize', follow);
  viewport?.addEventListener('scroll', follow);
  const unlock = lockPageScroll();
  return () => {
    viewport?.removeEventListener('resize', follow);
    viewport?.removeEventListener('scroll', follow);
    element.style.removeProperty('--aicado-vh');
    element.style.removeProperty('--aicado-vt');
    unlock();
  };
}

/** Keeps the page behind still; the undo restores the host's own style, then the scroll position a phone may have moved. */
function lockPageScroll(): () => void {
  // On the root only: on <body> too it would start a block formatting context, and the page would shift.
  const html = document.documentElement;
  const x = window.scrollX;
  const y = window.scrollY;
  const saved = html.style.overflow;
  html.style.overflow = 'hidden';
  return () => {
    html.style.overflow = saved;
    window.scrollTo({ left: x, top: y, behavior: 'instant' });
  };
}
