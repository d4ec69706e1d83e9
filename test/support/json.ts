/**
 * Typed reading of the JSON the CLI prints (`--json`) and the reports it writes, so tests name the shape
 * they expect instead of working on `any`. A shape here is what the test reads, not a validation: a field
 * missing from the output still fails the assertion that reads it.
 */
import { readFileSync } from 'node:fs';
import type { CatalogTable } from '../../crawler/catalog.ts';
import type { DriftReport } from '../../crawler/drift.ts';
import type { RunReport } from '../../jobs/report.ts';

/** JSON text as the type the caller names. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A JSON file (a report, a manifest, a catalog version) as the type the caller names. */
export function readJson<T>(path: string): T {
  return parseJson<T>(readFileSync(path, 'utf8'));
}

/** The last line of a command's stdout, parsed: what `--json` prints when the command ends. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return parseJson<T>(lines[lines.length - 1]);
}

/** What `run --json` prints: the run report and the line a user reads. */
export type RunSummary = RunReport & { message: string };

/** What `crawl --json` prints. */
export interface CrawlSummary {
  status: 'ok';
  message: string;
  created: boolean;
  table: CatalogTable;
}

/** What `drift --json` prints. */
export interface DriftSummary {
  status: DriftReport['decision'];
  message: string;
  report: string;
  markdown: string;
  summary: DriftReport['summary'];
}

/** What `partition --json` prints. */
export interface PartitionSummary {
  status: 'ok';
  message: string;
  rows: number;
  parts: number;
  bytes: number;
  seconds: number;
  manifest: string;
}
