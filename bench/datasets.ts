/**
 * The TPC-H tables the partition benchmark runs, and the generator scale factor that gives about a
 * number of rows. SUPPLIER is exactly SF × 10,000 rows; LINEITEM has 1–7 lines per order (about
 * 6,000,000 per SF), so its count is the generator's, read back after generating.
 */
export const BENCH_DATASETS = {
  supplier: { scaleFor: (rows: number): string => String(rows / 10_000) },
  lineitem: { scaleFor: (rows: number): string => String(Math.max(0.0001, Math.round((rows / 6_000_000) * 10_000) / 10_000)) },
} as const;

export type BenchDataset = keyof typeof BENCH_DATASETS;

export function isBenchDataset(name: string): name is BenchDataset {
  return Object.hasOwn(BENCH_DATASETS, name);
}
