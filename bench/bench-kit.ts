import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** How big a run is: `tiny` keeps the smoke test quick, `large` goes past the default. */
export type Size = 'tiny' | 'default' | 'large';

/** One line of a part's table: a case and its figures (numbers are printed as they are). */
export type Row = Record<string, string | number>;

export interface PartResult {
  part: string;
  /** The workload, in words, printed above the table. */
  workload: string;
  rows: Row[];
  /** What to read from the figures (e.g. a ratio to the baseline). */
  notes: string[];
}

export interface Part {
  name: string;
  run(size: Size): Promise<PartResult>;
}

/** The value at quantile `q` (0..1) of `values`, in their unit; NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0];
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs `work` over `count` items with `width` in flight; answers each item's duration in ms. */
export async function timedInParallel(count: number, width: number, work: (index: number) => Promise<void>) {
  const durations: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        const begun = performance.now();
        await work(index);
        durations[index] = performance.now() - begun;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: count / seconds, p50: quantile(durations, 0.5), p99: quantile(durations, 0.99) };
}

/** The machine and commit the figures were taken on. */
export function environment() {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // Not a git checkout (e.g. a packed copy): the figures still stand, without a commit.
  }
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
  };
}

/** A plain-text table: one column per key, in first-seen order, numbers right-aligned. */
export function formatTable(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) =>
    value === undefined ? '' : typeof value === 'number' ? String(round(value, 1)) : value;
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[], numeric: boolean[]) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i]) : value.padEnd(widths[i]))).join('  ');
  const numeric = columns.map((column) => rows.some((row) => typeof row[column] === 'number'));
  return [
    line(columns, numeric),
    line(
      widths.map((width) => '-'.repeat(width)),
      numeric,
    ),
    ...rows.map((row) =>
      line(
        columns.map((column) => cell(row[column])),
        numeric,
      ),
    ),
  ].join('\n');
}
