/**
 * The two local engines the SQL and warehouse tests run on: PGlite (a data directory copied from a
 * template made once per test process: initdb costs seconds) and the test PostgreSQL (a fresh database
 * per test; skipped locally when absent, a failure under CI=true).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PgliteWarehouse, type PgliteWarehouseOptions } from '../../../jobs/warehouse/pglite.ts';
import { PostgresWarehouse } from '../../../jobs/warehouse/postgres.ts';
import type { Warehouse } from '../../../jobs/warehouse/warehouse.ts';
import { freshDatabase, pgUrl, requirePostgres } from '../../support/services.ts';
import pg from 'pg';

export type EngineKind = 'pglite' | 'postgres';
export const ENGINES: EngineKind[] = ['pglite', 'postgres'];

let template: Promise<string> | undefined;

/** A PGlite data directory already through initdb (a copy of one made once per process). */
export async function pgliteDataDir(): Promise<{ dir: string; root: string }> {
  template ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'rl-pglite-template-'));
    const dir = join(root, 'data');
    const wh = await PgliteWarehouse.open(dir);
    await wh.close();
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    return dir;
  })();
  const src = await template;
  const root = mkdtempSync(join(tmpdir(), 'rl-pglite-'));
  const dir = join(root, 'data');
  cpSync(src, dir, { recursive: true });
  return { dir, root };
}

export interface OpenedEngine {
  wh: Warehouse;
  /** Reopens a second connection/handle where the engine allows it (PostgreSQL only). */
  uri: string;
  cleanup(): Promise<void>;
}

/** Opens a fresh warehouse of `kind`, or returns undefined when the test was skipped. */
export async function openEngine(t: TestContext, kind: EngineKind, opts: { pglite?: PgliteWarehouseOptions } = {}): Promise<OpenedEngine | undefined> {
  if (kind === 'pglite') {
    const { dir, root } = await pgliteDataDir();
    const wh = await PgliteWarehouse.open(dir, opts.pglite);
    return {
      wh,
      uri: `pglite:${dir}`,
      cleanup: async () => {
        await wh.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  }
  if (!(await requirePostgres(t))) return undefined;
  const db = await freshDatabase('rl_sql');
  const wh = await PostgresWarehouse.open(db.url);
  return {
    wh,
    uri: db.url,
    cleanup: async () => {
      await wh.close();
      await db.drop();
    },
  };
}

/** Drops cluster-wide roles a PostgreSQL test created (after its database is gone). */
export async function dropRoles(...names: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  try {
    for (const n of names) await c.query(`DROP ROLE IF EXISTS ${n}`);
  } finally {
    await c.end();
  }
}
