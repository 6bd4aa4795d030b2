import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.js';

const DIR = fileURLToPath(new URL('../../src/server/', import.meta.url));

describe('aicado-embed/server entry', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(server).sort()).toEqual([
      'AicadoError',
      'WebhookVerificationError',
      'createMemoryDedupeStore',
      'createWebhookHandler',
      'isAicadoError',
      'isWebhookVerificationError',
      'signParams',
      'verifySignedParams',
      'verifyWebhook',
    ]);
  });

  it('only re-exports in index.ts', () => {
    const lines = readFileSync(`${DIR}index.ts`, 'utf8')
      .split('\n')
      .filter((line) => line.trim());
    expect(lines.every((line) => /^export (type )?\{[^}]*\} from '[^']+';$/.test(line))).toBe(true);
  });

  it('imports no Node built-ins and no browser code, so it runs on edge runtimes', () => {
    for (const file of readdirSync(DIR).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(`${DIR}${file}`, 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
      for (const specifier of imports) {
        expect(specifier, `${file} imports ${specifier}`).not.toMatch(/^node:|^(fs|path|crypto|http|buffer)$|preact|\/ui\/|\/sdk\//);
      }
      expect(source, file).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });
});
