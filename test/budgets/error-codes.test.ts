import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/contract/protocol.js';

// One closed list of error codes: docs/errors.md explains exactly these, and the reference backend answers
// with no other (its HttpError is typed by the list; this also catches codes written as plain strings).
const ROOT = resolve(import.meta.dirname, '../..');

describe('error codes', () => {
  it("docs/errors.md's table lists exactly ERROR_CODES", () => {
    const page = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    const documented = [...page.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every code the backend and the SDK write is in ERROR_CODES', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const files = [
      walk(join(ROOT, 'demo/backend')),
      walk(join(ROOT, 'src/at-load')),
      walk(join(ROOT, 'src/on-intent')),
      walk(join(ROOT, 'src/contract')),
    ].flat();
    const written = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new (?:HttpError\(\d{3}|AicadoError\()\s*'([a-z_]+)'/g)) written.add(m[1]!);
    }
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });
});
