import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../demo/backend/config/index.js';
import { MAX_AGENTS_FILE_BYTES } from '../../src/contract/agents-file.js';
import { tempDir } from './helpers.js';

describe('the agents file size limit', () => {
  it('counts bytes, not characters: 2.8 MB of CJK text in fewer characters than the limit is refused', () => {
    const file = join(tempDir(), 'agents.json');
    // 930,000 characters of three bytes each: under the limit in characters, 2.8 MB on disk.
    const description = '漢'.repeat(930_000);
    writeFileSync(
      file,
      JSON.stringify({ agents: { demo: { webhookUrl: 'http://127.0.0.1:9/h', params: { plan: { type: 'string', description } } } } }),
    );
    expect(description.length).toBeLessThan(MAX_AGENTS_FILE_BYTES);
    expect(() => resolveConfig({ agentsFile: file }, {})).toThrow(`${file}: the file is larger than ${MAX_AGENTS_FILE_BYTES} bytes`);
  });

  it('reads no more than the limit of a file that never ends', () => {
    // A character device has no size to stat; only a bounded read stops on it.
    expect(() => resolveConfig({ agentsFile: '/dev/zero' }, {})).toThrow(`the file is larger than ${MAX_AGENTS_FILE_BYTES} bytes`);
  });
});
