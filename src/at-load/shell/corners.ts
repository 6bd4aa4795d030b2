/**
 * Bubble launchers of one corner stack upwards in the order they were mounted, closing up when one
 * goes, and every panel of the corner opens above the whole stack, so no launcher is ever covered.
 * Places are CSS custom properties on the host elements (`--aicado-stack`, `--aicado-stack-top`), set
 * through CSSOM, which a strict Content-Security-Policy allows.
 */
const corners = new Map<HTMLElement, string>();

export function takePlace(host: HTMLElement, side: string): void {
  corners.set(host, side);
  layOut(side);
}

export function leavePlace(host: HTMLElement): void {
  const side = corners.get(host);
  corners.delete(host);
  if (side) layOut(side);
}

function layOut(side: string): void {
  const stack = [...corners].filter(([, s]) => s === side).map(([host]) => host);
  stack.forEach((host, place) => {
    host.style.setProperty('--aicado-stack', String(place));
    host.style.setProperty('--aicado-stack-top', String(stack.length - 1));
  });
}
