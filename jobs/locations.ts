/**
 * Where things live. Flags beat environment variables, which beat the local defaults under .local/.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import { jobEnv } from '../core/env.ts';

export const LOCAL_DEFAULTS = {
  landing: '.local/landing',
  staging: '.local/staging',
  reports: '.local/reports',
  warehouse: 'pglite:.local/warehouse',
  catalog: 'local:.local/catalog',
} as const;

export interface Locations {
  landing: string;
  source: string;
  staging: string;
  reports: string;
  warehouse: string;
  catalog: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Validates YYYY-MM-DD: a real calendar date in years 0001–9999 (what the batch folder's YYYYMMDD and
 * Redshift's DATE both hold; year 0000 does not exist in either calendar).
 */
export function parseBatchDate(s: string): string {
  const m = DATE.exec(s);
  let real = false;
  if (m && +m[1] >= 1) {
    const d = new Date(0);
    d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]); // not Date.UTC, which reads years 0–99 as 1900–1999
    real = d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }
  if (!real) throw new ConfigError(`--date must be a calendar date as YYYY-MM-DD (years 0001–9999), got "${s}"`);
  return s;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function trimSlash(s: string): string {
  return s.length > 1 ? s.replace(/\/+$/, '') : s;
}

/** The landing folder of one batch: <landing>/<dataset>/<YYYYMMDD>/ by the contract's layout. */
export function batchFolder(landing: string, contract: DatasetContract, batchDate: string): string {
  const rel = contract.source.prefix.replace('{dataset}', contract.name).replace('{yyyymmdd}', batchDate.replaceAll('-', ''));
  return `${trimSlash(landing)}/${rel}`;
}

/** The staging prefix of one run's load package. */
export function packagePrefix(staging: string, dataset: string, batchDate: string, runId: string): string {
  return `${trimSlash(staging)}/${dataset}/batch=${batchDate}/run=${runId}`;
}

export function reportPrefix(reports: string, dataset: string, batchDate: string, runId: string): string {
  return `${trimSlash(reports)}/${dataset}/batch=${batchDate}/run=${runId}`;
}

/** The reports prefix of a drift check without a batch (the `drift` command): <reports>/<dataset>/drift/<generatedAt, compact>. */
export function driftReportPrefix(reports: string, dataset: string, generatedAt: string): string {
  return `${trimSlash(reports)}/${dataset}/drift/${generatedAt.replace(/[-:.]/g, '')}`;
}

export function resolveLocations(
  contract: DatasetContract,
  batchDate: string,
  flags: Partial<Record<'source' | 'staging' | 'reports' | 'warehouse' | 'catalog' | 'landing', string>>,
  env: NodeJS.ProcessEnv = process.env,
): Locations {
  const landing = flags.landing ?? jobEnv('RL_LANDING', env) ?? LOCAL_DEFAULTS.landing;
  return {
    landing,
    source: flags.source ?? batchFolder(landing, contract, batchDate),
    staging: flags.staging ?? jobEnv('RL_STAGING', env) ?? LOCAL_DEFAULTS.staging,
    reports: flags.reports ?? jobEnv('RL_REPORTS', env) ?? LOCAL_DEFAULTS.reports,
    warehouse: flags.warehouse ?? jobEnv('RL_WAREHOUSE', env) ?? LOCAL_DEFAULTS.warehouse,
    catalog: flags.catalog ?? jobEnv('RL_CATALOG', env) ?? LOCAL_DEFAULTS.catalog,
  };
}

/** A run id that sorts by time and never repeats: 20261125T143000123Z-a1b2c3. */
export function newRunId(now: Date, random: string): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${random}`;
}

/** The load timestamp the run stamps on every row: the run's own clock in UTC, microseconds. */
export function loadTimestamp(now: Date, micros = 0): string {
  return `${now.toISOString().slice(0, 23).replace('T', ' ')}${String(micros).padStart(3, '0')}`;
}
