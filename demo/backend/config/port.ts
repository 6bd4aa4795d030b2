import { createServer } from 'node:net';

// A taken port is a setting to change: these find one to suggest, by binding it, not by guessing.

/** Whether a listener can bind the port on the host right now (it is closed again at once). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first port after `taken` that binds on the host, skipping `reserved`; undefined when none of 100 does. */
export async function findFreePort(taken: number, host: string, reserved: readonly number[] = []): Promise<number | undefined> {
  for (let port = taken + 1; port <= Math.min(taken + 100, 65_535); port++) {
    if (!reserved.includes(port) && (await isPortFree(port, host))) return port;
  }
  return undefined;
}
