/**
 * The local catalog: a folder of JSON files the local crawler writes, one per table version, as Glue
 * keeps table versions:
 *
 *   <dir>/<database>/<table>/v1.json, v2.json, …   (VersionId "1", "2", …; newest highest)
 *
 * `putTable` writes a NEW version only when the table's schema changed (columns, their types or
 * nullability, partition keys, classification) — like a crawler's UpdateTable — and otherwise returns
 * the latest version unchanged. Versions are never rewritten: each is created once, atomically (written
 * to a temporary file, then hard-linked into place, which fails if another crawler took the number).
 */
import { link, mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.ts';

export const DEFAULT_LOCAL_CATALOG_DIR = '.local/catalog';
export const DEFAULT_CATALOG_DATABASE = 'landing';

export type CatalogLocation =
  | { kind: 'local'; dir: string; database: string }
  | { kind: 'glue'; database: string };

/**
 * Parses a --catalog value: `local:<dir>` (no value, or `local:` alone: `.local/catalog`; the database
 * is always `landing`), or `glue:<database>` (the Glue Data Catalog, for the Glue adapter).
 */
export function parseCatalogUri(uri: string | undefined): CatalogLocation {
  const value = uri?.trim() ?? '';
  if (value === '' || value === 'local' || value === 'local:') {
    return { kind: 'local', dir: DEFAULT_LOCAL_CATALOG_DIR, database: DEFAULT_CATALOG_DATABASE };
  }
  if (value.startsWith('local:')) {
    let dir = value.slice('local:'.length);
    if (dir.startsWith('file://')) dir = new URL(dir).pathname;
    return { kind: 'local', dir, database: DEFAULT_CATALOG_DATABASE };
  }
  if (value.startsWith('glue:')) {
    const database = value.slice('glue:'.length);
    if (!/^[a-z0-9_]{1,255}$/.test(database)) {
      throw new ConfigError(
        `bad catalog ${value}: a Glue database name is 1-255 lower-case letters, digits or underscores`,
        {},
        'use --catalog glue:<database>',
      );
    }
    return { kind: 'glue', database };
  }
  throw new ConfigError(`unknown catalog ${value}`, {}, 'use --catalog local:<dir> or --catalog glue:<database>');
}

/** A database or table name, safe as one folder name. */
function checkName(what: string, name: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) {
    throw new ConfigError(`bad ${what} name ${JSON.stringify(name)} for the local catalog`, {},
      'use letters, digits and underscores');
  }
  return name;
}

function schemaKey(t: Pick<CatalogTable, 'columns' | 'partitionKeys' | 'classification'>): string {
  const cols = (cs: CatalogColumn[]) =>
    cs.map((c) => [c.name.toLowerCase(), c.type.trim().toLowerCase(), c.nullable ?? null]);
  return JSON.stringify([cols(t.columns), cols(t.partitionKeys), t.classification]);
}

export interface PutTableResult {
  /** The latest version after the put: the new one, or the unchanged latest. */
  table: CatalogTable;
  /** True when this put wrote a new version. */
  created: boolean;
}

export class LocalCatalog implements Catalog {
  readonly name: string;
  readonly dir: string;
  readonly database: string;

  constructor(opts: { dir?: string; database?: string } = {}) {
    this.dir = opts.dir ?? DEFAULT_LOCAL_CATALOG_DIR;
    this.database = checkName('database', opts.database ?? DEFAULT_CATALOG_DATABASE);
    this.name = `local:${this.dir}`;
  }

  private tableDir(table: string): string {
    return join(this.dir, this.database, checkName('table', table));
  }

  /** Version numbers present for a table, ascending. */
  private async versionNumbers(table: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.tableDir(table));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .map((n) => /^v([1-9]\d*)\.json$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private async readVersion(table: string, n: number): Promise<CatalogTable> {
    const file = join(this.tableDir(table), `v${n}.json`);
    let parsed: CatalogTable;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as CatalogTable;
    } catch (e) {
      throw new ConfigError(`local catalog file ${file} is not readable JSON: ${(e as Error).message}`, {},
        'remove or repair it, then crawl again');
    }
    if (!parsed || !Array.isArray(parsed.columns) || typeof parsed.name !== 'string') {
      throw new ConfigError(`local catalog file ${file} is not a catalog table`, {}, 'remove or repair it, then crawl again');
    }
    return { ...parsed, partitionKeys: parsed.partitionKeys ?? [], versionId: String(n) };
  }

  async getTable(table: string): Promise<CatalogTable | undefined> {
    const ns = await this.versionNumbers(table);
    return ns.length ? this.readVersion(table, ns[ns.length - 1]) : undefined;
  }

  async getTableVersions(table: string): Promise<CatalogTable[]> {
    const ns = await this.versionNumbers(table);
    return Promise.all(ns.reverse().map((n) => this.readVersion(table, n)));
  }

  /**
   * Records a crawled table: a new version when its schema differs from the latest, else nothing.
   * `now` sets updatedAt (tests); the database is always this catalog's.
   */
  async putTable(table: Omit<CatalogTable, 'versionId' | 'updatedAt'>, now: Date = new Date()): Promise<PutTableResult> {
    const dir = this.tableDir(table.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const ns = await this.versionNumbers(table.name);
      const latestN = ns[ns.length - 1];
      if (latestN !== undefined) {
        const latest = await this.readVersion(table.name, latestN);
        if (schemaKey(latest) === schemaKey(table)) return { table: latest, created: false };
      }
      const n = (latestN ?? 0) + 1;
      const version: CatalogTable = {
        database: this.database,
        name: table.name,
        location: table.location,
        classification: table.classification,
        columns: table.columns.map((c) => ({ ...c })),
        partitionKeys: table.partitionKeys.map((c) => ({ ...c })),
        versionId: String(n),
        updatedAt: now.toISOString(),
      };
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.v${n}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
      await writeFile(tmp, `${JSON.stringify(version, null, 2)}\n`, { flag: 'wx' });
      try {
        await link(tmp, join(dir, `v${n}.json`));
        return { table: version, created: true };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // another crawler wrote v<n> meanwhile: compare against it and try again
      } finally {
        await unlink(tmp).catch(() => {});
      }
    }
    throw new ConfigError(`could not write a new version of ${this.database}.${table.name} in ${this.dir}: other crawlers kept writing`);
  }
}
