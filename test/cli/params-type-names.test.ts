import { describe, expect, it } from 'vitest';
import { generateParamsType } from '../../src/cli/params-type.js';

// Whatever an API serves, `aicado-embed types` never writes a member no object can have: a declared
// param named like a member of Object.prototype (`toString: string` is TS2322 on every object literal).
describe('aicado-embed types and names of Object.prototype', () => {
  it('refuses a definition that declares toString or valueOf, naming each', () => {
    const definition = {
      agent_id: 'shop',
      name: 'shop',
      params: {
        user_id: { type: 'string' as const, description: 'Who' },
        toString: { type: 'string' as const, description: 'x' },
        valueOf: { type: 'number' as const, description: 'y' },
      },
    };
    expect(() => generateParamsType(definition, 'ShopParams', 'test')).toThrow(
      /"toString" is not allowed as a key.*"valueOf" is not allowed/s,
    );
  });
});
