import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeclaredParamInputSchema } from '../../src/contract/agent-definition.js';
import { parseAgentsFile } from '../../src/contract/agents-file.js';
import { startTestBackend, tempDir } from './helpers.js';

// `1e400` in JSON reads as Infinity: as an enum value it would be typed `Infinity` by `aicado-embed
// types`, served as `null`, and match no param a page can send (params are finite numbers).
const fileWithEnum = (values: string) =>
  `{"agents":{"shop":{"webhookUrl":"http://127.0.0.1:4000/hooks","params":{"seats":{"type":"number","description":"Seats","enum":${values}}}}}}`;

describe('enum numbers are finite', () => {
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN])('the definition schema refuses %s in an enum', (value) => {
    const parsed = DeclaredParamInputSchema.safeParse({ type: 'number', description: 'Seats', enum: [value, 2] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['enum'], message: expect.stringMatching(/finite/) })]);
  });

  it('the agents file refuses 1e400 and -1e400, naming the agent and the field', () => {
    for (const values of ['[1e400, 2]', '[1, -1e400]']) {
      expect(() => parseAgentsFile(fileWithEnum(values), 'agents.json')).toThrow(/"agents\.shop\.params\.seats\.enum" .*finite/);
    }
    expect(parseAgentsFile(fileWithEnum('[1, 2.5, -3, 1e300]'), 'agents.json')[0]!.params.seats!.enum).toEqual([1, 2.5, -3, 1e300]);
  });

  it('the backend refuses such a file at start-up', async () => {
    const agentsFile = join(tempDir(), 'agents.json');
    writeFileSync(agentsFile, fileWithEnum('[1e400, 2]'));
    await expect(startTestBackend({ agentsFile })).rejects.toThrow(/agents\.shop\.params\.seats\.enum.*finite/);
  });
});
