/**
 * The warehouses the end-to-end tests run on: embedded PGlite in a temp folder, and a fresh database
 * on the test PostgreSQL (which fails the test under CI=true when the server is missing).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { freshDatabase, requirePostgres } from './services.ts';

export const ENGINES = ['pglite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface WarehouseFixture {
  /** A temp folder of the test's own (the CLI runs with it as its working directory). */
  dir: string;
  warehouse: string;
  /** True when PostgreSQL is missing on a laptop (under CI=true that fails instead). */
  skip: boolean;
}

/** Registers before/after hooks in the current describe; `prepare` runs first, with the temp folder. */
export function warehouseFixture(engine: Engine, name: string, prepare?: (dir: string) => void | Promise<void>): WarehouseFixture {
  const fx: WarehouseFixture = { dir: '', warehouse: '', skip: false };
  let drop: (() => Promise<void>) | undefined;
  before(async (t) => {
    fx.dir = mkdtempSync(join(tmpdir(), `rl-${name}-${engine}-`));
    await prepare?.(fx.dir);
    if (engine === 'pglite') {
      fx.warehouse = `pglite:${join(fx.dir, 'warehouse')}`;
      return;
    }
    if (!(await requirePostgres(t as never))) {
      fx.skip = true;
      return;
    }
    const db = await freshDatabase(`rl_${name}`);
    fx.warehouse = db.url;
    drop = db.drop;
  });
  after(async () => {
    await drop?.();
  });
  return fx;
}
