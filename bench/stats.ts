/** One figure of the bench: the median of several runs, with the spread. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: readonly number[]): Figure {
  if (samples.length === 0) throw new Error('summarize() needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** A figure whose every run gives the same value (byte sizes): one measurement stands for all runs. */
export function exact(value: number): Figure {
  return { median: value, min: value, max: value, runs: 1 };
}

/**
 * The widget's own cost: medians subtracted, and the spread bounded by the worst and best pairings of
 * the two series (a difference of medians, not the median of differences of unpaired runs).
 */
export function difference(withWidget: Figure, baseline: Figure): Figure {
  return {
    median: withWidget.median - baseline.median,
    min: withWidget.min - baseline.max,
    max: withWidget.max - baseline.min,
    runs: Math.min(withWidget.runs, baseline.runs),
  };
}

/** Runs `measure` `runs` times, one after the other, and collects each named sample. */
export async function repeat<K extends string>(
  runs: number,
  measure: (run: number) => Promise<Record<K, number>>,
): Promise<Record<K, Figure>> {
  const samples = new Map<K, number[]>();
  for (let run = 0; run < runs; run++) {
    for (const [key, value] of Object.entries(await measure(run)) as [K, number][]) {
      samples.set(key, [...(samples.get(key) ?? []), value]);
    }
  }
  return Object.fromEntries([...samples].map(([key, values]) => [key, summarize(values)])) as Record<K, Figure>;
}
