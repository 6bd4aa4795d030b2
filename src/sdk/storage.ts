export type StorageKind = 'local' | 'session' | 'memory';

/** The subset of Web Storage the SDK uses; never throws. */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * Web Storage that falls back to memory when the browser refuses it (private mode, quota, disabled
 * cookies, sandboxed iframes): the widget keeps working, it just forgets on reload.
 */
export function openStorage(kind: StorageKind): SafeStorage {
  const memory = new Map<string, string>();
  let backing: Storage | undefined;
  try {
    backing = kind === 'local' ? window.localStorage : kind === 'session' ? window.sessionStorage : undefined;
  } catch {
    backing = undefined;
  }
  return {
    get(key) {
      try {
        const stored = backing?.getItem(key);
        if (stored != null) return stored;
      } catch {
        /* fall through to memory */
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      memory.set(key, value);
      try {
        backing?.setItem(key, value);
      } catch {
        /* memory already holds it */
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        backing?.removeItem(key);
      } catch {
        /* nothing stored there */
      }
    },
  };
}
