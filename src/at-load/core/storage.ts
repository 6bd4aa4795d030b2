export type StorageKind = 'local' | 'session' | 'memory';

/** The subset of Web Storage the SDK uses; never throws. */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Every key stored, in the backing storage and in memory. */
  keys(): string[];
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
    keys() {
      const keys = new Set(memory.keys());
      try {
        for (let i = 0; backing && i < backing.length; i++) {
          const key = backing.key(i);
          if (key !== null) keys.add(key);
        }
      } catch {
        /* only memory is readable */
      }
      return [...keys];
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
