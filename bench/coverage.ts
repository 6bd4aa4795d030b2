// What V8's block coverage says about a script: which of its bytes never ran.

/** One function of Chromium's precise coverage (`Profiler.takePreciseCoverage`, as `page.coverage` returns it). */
export interface CoveredFunction {
  ranges: { startOffset: number; endOffset: number; count: number }[];
}

/**
 * How many bytes of a script of `length` bytes never ran. A function's first range is the whole
 * function, the next ones are blocks inside it; a nested function is a function of its own. Painting
 * every range from the outermost to the innermost leaves each byte with the count of the smallest
 * range around it, as V8 means it. Bytes outside every function (the top level) ran.
 */
export function unusedBytes(length: number, functions: readonly CoveredFunction[]): number {
  const ranges = functions.flatMap((fn) => fn.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const counts = new Uint32Array(length).fill(1);
  for (const { startOffset, endOffset, count } of ranges) counts.fill(count > 0 ? 1 : 0, startOffset, Math.min(endOffset, length));
  let unused = 0;
  for (const count of counts) if (count === 0) unused++;
  return unused;
}

/**
 * The same at the granularity of DevTools' default "per function" view: a function that ran counts as
 * used whole, blocks of it that did not run included.
 */
export function unusedFunctionBytes(length: number, functions: readonly CoveredFunction[]): number {
  return unusedBytes(
    length,
    functions.map((fn) => ({ ranges: fn.ranges.slice(0, 1) })),
  );
}
