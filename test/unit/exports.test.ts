import { describe, expect, it } from 'vitest';
import * as sdk from '../../src/index.js';
import { SDK_VERSION } from '../../src/contract/version.js';
import pkg from '../../package.json' with { type: 'json' };

describe('public surface', () => {
  it('the browser entry exports exactly these names', () => {
    expect(Object.keys(sdk).sort()).toEqual([
      'AicadoError',
      'PARAMS_LIMITS',
      'RESTRICTED_PARAM_KEYS',
      'init',
      'isAicadoError',
      'validateParams',
    ]);
  });

  it('the restricted keys are the ones Aicado documents', () => {
    expect([...sdk.RESTRICTED_PARAM_KEYS]).toEqual(['a_id', 'at', 'old_id', 's', 't', 'audi', 'sl', 'raid', 'u_id', 'muser']);
    expect(Object.isFrozen(sdk.RESTRICTED_PARAM_KEYS)).toBe(true);
  });

  it('the SDK version sent in the query context is the package version', () => {
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
