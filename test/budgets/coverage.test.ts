import { describe, expect, it } from 'vitest';
import { unusedBytes, unusedFunctionBytes } from '../../bench/coverage.js';

// The bench's reading of V8 coverage, which its "JS unused at load" figures rest on.
describe('unused bytes from V8 block coverage', () => {
  // 0         10        20        30        40
  // [ script top level [ f, ran [ block, not run ] ] [ g, never ran ] ]
  const functions = [
    { ranges: [{ startOffset: 0, endOffset: 40, count: 1 }] },
    {
      ranges: [
        { startOffset: 5, endOffset: 25, count: 1 },
        { startOffset: 12, endOffset: 20, count: 0 },
      ],
    },
    { ranges: [{ startOffset: 26, endOffset: 36, count: 0 }] },
  ];

  it('counts a block that did not run inside a function that did, and a function that never ran', () => {
    expect(unusedBytes(40, functions)).toBe(8 + 10);
  });

  it('per function, counts only the functions that never ran', () => {
    expect(unusedFunctionBytes(40, functions)).toBe(10);
  });

  it('a run block inside a function that never ran is unused with it only if V8 says so', () => {
    const nested = [{ ranges: [{ startOffset: 0, endOffset: 10, count: 0 }] }, { ranges: [{ startOffset: 2, endOffset: 4, count: 1 }] }];
    expect(unusedBytes(10, nested)).toBe(8);
  });
});
