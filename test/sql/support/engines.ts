/**
 * The two local engines the SQL and warehouse tests run on: PGlite (a data directory copied from a
 * template made once per test process: initdb costs seconds) and the test PostgreSQL (a fresh database
 * per test; skipped locally when absent, a failure under CI=true).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * A PGlite data directory already through initdb: a copy of a template made once and cached in the
 * temp directory across test processes (initdb costs seconds; a copy, milliseconds).
 */
export async function pgliteDataDir(): Promise<{ dir: string; root: string }> {
  template ??= (async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
    const cached = join(tmpdir(), `redshift-loader-pglite-template-${version}`);
    if (existsSync(join(cached, 'READY'))) return join(cached, 'data');
    const root = mkdtempSync(join(tmpdir(), 'rl-pglite-template-'));
    const wh = await PgliteWarehouse.open(join(root, 'data'));
    await wh.close();
    writeFileSync(join(root, 'READY'), version);
    try {
      renameSync(root, cached); // atomic: another process may have won; then use theirs
    } catch {
      rmSync(root, { recursive: true, force: true });
    }
    return join(cached, 'data');
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
