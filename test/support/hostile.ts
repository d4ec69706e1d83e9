/** Helpers for the tests of a hostile environment: audit rows, leftover files, one-line errors. */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import type { CliResult } from './cli.ts';

/** Every file under `dir` (recursively); [] when it does not exist. */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The audit rows of a batch date, oldest first ([] when the audit table does not exist). */
export async function auditRows(warehouse: string, batchDate: string): Promise<Array<{ status: string; message: string | null }>> {
  const wh = await openWarehouse(warehouse);
  try {
    const t = await wh.query("SELECT 1 AS x FROM information_schema.tables WHERE table_schema = 'assignment' AND table_name = 'load_audit'");
    if (t.length === 0) return [];
    const rows = await wh.query(`SELECT status, message FROM assignment.load_audit WHERE batch_date = DATE '${batchDate}' ORDER BY load_ts`);
    return rows.map((r) => ({ status: String(r.status), message: r.message == null ? null : typeof r.message === 'string' ? r.message : inspect(r.message) }));
  } finally {
    await wh.close();
  }
}

/** Tables the loader created in the warehouse (none when nothing was done there). */
export async function loaderTables(warehouse: string): Promise<string[]> {
  const wh = await openWarehouse(warehouse);
  try {
    const rows = await wh.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'assignment' ORDER BY table_name");
    return rows.map((r) => String(r.table_name));
  } finally {
    await wh.close();
  }
}

/** The error lines of a run (JSON log lines aside): exactly one, with no stack trace; returns it. */
export function oneErrorLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at \S+/, 'no stack trace');
  assert.doesNotMatch(r.stderr, /Unhandled|unexpected error/);
  return lines[0];
}
