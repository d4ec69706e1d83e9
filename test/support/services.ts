/**
 * Finding the servers the integration tests use. Under CI=true a missing service FAILS the test
 * instead of skipping it: a green CI that silently skipped integration tests is worse than a red one.
 */
import type { TestContext } from 'node:test';
import pg from 'pg';

export const inCI = process.env.CI === 'true';

/** Connection string of the test PostgreSQL (TEST_PG_URL, or the local socket as root). */
export function pgUrl(): string {
  return process.env.TEST_PG_URL ?? 'postgres://root@localhost/postgres?host=/var/run/postgresql';
}

/** Resolves to a reason when the service is missing; fails the test under CI. */
async function missing(t: TestContext, what: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return false;
  } catch (e) {
    const why = `${what} is not reachable: ${(e as Error).message}`;
    if (inCI) throw new Error(`${why} (CI=true: a missing service is a failure, not a skip)`);
    t.skip(why);
    return true;
  }
}

export async function requirePostgres(t: TestContext): Promise<boolean> {
  return !(await missing(t, 'PostgreSQL', async () => {
    const c = new pg.Client({ connectionString: pgUrl() });
    await c.connect();
    await c.end();
  }));
}

/** A fresh database on the test server, dropped by the returned cleanup. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(pgUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: pgUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export function motoEndpoint(): string {
  return process.env.TEST_MOTO_URL ?? 'http://127.0.0.1:5055';
}

export async function requireMoto(t: TestContext): Promise<boolean> {
  return !(await missing(t, 'moto', async () => {
    const r = await fetch(`${motoEndpoint()}/moto-api/`);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
  }));
}
