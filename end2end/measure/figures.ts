// Small statistics shared by the measurements.

/** The nearest-rank `p`-th percentile of `values` (sorted or not); NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `value` rounded to `decimals` decimals, for the printed figures. */
export function round(value: number, decimals = 2): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** p50, p95 and max of `values`, rounded, under `prefix`_p50_ms and so on. */
export function spread(prefix: string, values: number[]): Record<string, number> {
  return {
    [`${prefix}_p50_ms`]: round(percentile(values, 50)),
    [`${prefix}_p95_ms`]: round(percentile(values, 95)),
    [`${prefix}_max_ms`]: round(Math.max(...values)),
  };
}
