/**
 * The catalog port over the Glue Data Catalog, for `glue:<database>`: GetTable for the latest version,
 * GetTableVersions (every page) for the history, and StartCrawler + wait for a crawl to finish.
 *
 * Types: Glue's type names are written in the canonical spelling crawler/glue-types.ts uses
 * (`INTEGER` → `int`, `decimal(12, 2)` → `decimal(12,2)`). A type the loader cannot map (array<…>,
 * struct<…>, map<…>, unknown names) is passed through as Glue wrote it, so drift reports it as a
 * breaking finding in the drift report (exit 3) — and an old version with such a column does not make
 * the whole history unreadable. With `strictTypes` it is a ConfigError naming the table and column.
 * A missing table is `undefined` (the crawler has not written it yet); a missing database is a ConfigError.
 *
 * The client comes from core/aws/clients.ts (the one place that reads AWS_REGION / AWS_ENDPOINT_URL)
 * unless one is passed in.
 */
import {
  GetCrawlerCommand,
  GetDatabaseCommand,
  GetTableCommand,
  GetTableVersionsCommand,
  StartCrawlerCommand,
  type Column,
  type GlueClient,
  type Table,
} from '@aws-sdk/client-glue';
import { ConfigError, LoadError, UserError } from '../core/errors.ts';
import { awsErrorInfo, glueClient, type AwsClientOptions } from '../core/aws/clients.ts';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.ts';
import { formatGlueType, parseGlueType } from './glue-types.ts';

type Clock = { now(): number; sleep(ms: number): Promise<void> };

export interface GlueCatalogOptions {
  database: string;
  client?: GlueClient;
  clientOptions?: AwsClientOptions;
  /** Refuse (ConfigError) a column type the loader cannot map, instead of leaving it to drift. */
  strictTypes?: boolean;
  /** Catalog id (the account) when it is not the caller's own. */
  catalogId?: string;
}

export interface CrawlWaitOptions {
  client?: GlueClient;
  clientOptions?: AwsClientOptions;
  /** Tests pass a fake clock. */
  clock?: Clock;
  /** Give up after this long (default 30 min). The crawl itself keeps running. */
  timeoutMs?: number;
  /** Poll interval (default 10 s; a crawl takes minutes). */
  pollMs?: number;
}

export interface CrawlResult {
  crawler: string;
  status: 'SUCCEEDED';
  startedAt?: string;
  /** How long this call waited, ms. */
  waitedMs: number;
  /** True when a crawl was already running and this call waited for it instead of starting one. */
  joinedRunning: boolean;
}

const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export class GlueCatalog implements Catalog {
  readonly name: string;
  readonly database: string;
  readonly client: GlueClient;
  private readonly catalogId?: string;
  private readonly strictTypes: boolean;

  constructor(opts: GlueCatalogOptions) {
    if (!opts?.database) throw new ConfigError('no Glue database given', {}, 'use --catalog glue:<database>');
    this.database = opts.database;
    this.name = `glue:${opts.database}`;
    this.client = opts.client ?? glueClient(opts.clientOptions);
    this.catalogId = opts.catalogId;
    this.strictTypes = opts.strictTypes ?? false;
  }

  async getTable(table: string): Promise<CatalogTable | undefined> {
    try {
      const res = await this.client.send(new GetTableCommand({ CatalogId: this.catalogId, DatabaseName: this.database, Name: table }));
      return res.Table ? this.toCatalogTable(res.Table) : undefined;
    } catch (e) {
      return this.notFound(e, table, 'GetTable');
    }
  }

  async getTableVersions(table: string): Promise<CatalogTable[]> {
    const out: CatalogTable[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new GetTableVersionsCommand({ CatalogId: this.catalogId, DatabaseName: this.database, TableName: table, NextToken: token }),
        );
        for (const v of page.TableVersions ?? []) {
          if (v.Table) out.push(this.toCatalogTable(v.Table, v.VersionId));
        }
        token = page.NextToken;
      } while (token);
    } catch (e) {
      if ((await this.notFound(e, table, 'GetTableVersions')) === undefined) return [];
    }
    // Newest first, whatever order the pages came in (moto: oldest first; Glue: unspecified).
    return out.sort((a, b) => Number(b.versionId) - Number(a.versionId));
  }

  /** Starts a crawler on this catalog's client and waits for it (see startCrawlerAndWait). */
  startCrawlerAndWait(crawler: string, opts: CrawlWaitOptions = {}): Promise<CrawlResult> {
    return startCrawlerAndWait(crawler, { client: this.client, ...opts });
  }

  private toCatalogTable(t: Table, versionId?: string): CatalogTable {
    const table = t.Name ?? '?';
    const columns = (cols: Column[] | undefined): CatalogColumn[] =>
      (cols ?? []).map((c) => ({
        name: c.Name ?? '',
        type: this.mapType(table, c.Name ?? '?', c.Type),
        ...(c.Comment ? { comment: c.Comment } : {}),
      }));
    const sd = t.StorageDescriptor;
    return {
      database: t.DatabaseName ?? this.database,
      name: table,
      location: sd?.Location ?? '',
      classification: classification(t),
      columns: columns(sd?.Columns),
      partitionKeys: columns(t.PartitionKeys),
      versionId: versionId ?? t.VersionId ?? '0',
      updatedAt: (t.UpdateTime ?? t.CreateTime ?? new Date(0)).toISOString(),
    };
  }

  private mapType(table: string, column: string, type: string | undefined): string {
    try {
      return formatGlueType(parseGlueType(type ?? '', column));
    } catch (e) {
      if (!this.strictTypes) return (type ?? '').trim().toLowerCase();
      const hint = e instanceof UserError ? e.hint : undefined;
      throw new ConfigError(
        `Glue table ${this.database}.${table}: column ${column} has type ${truncate(type ?? '(none)', 60)}, which the loader cannot map`,
        {},
        hint,
      );
    }
  }

  /** EntityNotFound for the table → undefined; for the database → ConfigError; anything else → error. */
  private async notFound(e: unknown, table: string, op: string): Promise<undefined> {
    if (e instanceof UserError) throw e;
    const { name, message } = awsErrorInfo(e);
    if (name !== 'EntityNotFoundException') throw glueApiError(e, `${op} ${this.database}.${table}`, name, message);
    // Glue says which in prose only ("Database x not found." / "Table y not found."): ask.
    try {
      await this.client.send(new GetDatabaseCommand({ CatalogId: this.catalogId, Name: this.database }));
    } catch (d) {
      const info = awsErrorInfo(d);
      if (info.name === 'EntityNotFoundException') {
        throw new ConfigError(`Glue database ${this.database} does not exist`, {}, 'check --catalog glue:<database> (and AWS_REGION)');
      }
      throw glueApiError(d, `GetDatabase ${this.database}`, info.name, info.message);
    }
    return undefined;
  }
}

function classification(t: Table): string {
  const p = t.Parameters?.classification ?? t.StorageDescriptor?.Parameters?.classification;
  if (p) return p.toLowerCase();
  const io = `${t.StorageDescriptor?.InputFormat ?? ''} ${t.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? ''}`.toLowerCase();
  if (io.includes('parquet')) return 'parquet';
  if (io.includes('textinputformat') || io.includes('csv') || io.includes('lazysimpleserde')) return 'csv';
  return 'unknown';
}

function glueApiError(_e: unknown, what: string, name: string, message: string): Error {
  if (name === 'AccessDeniedException') {
    const action = what.split(' ')[0];
    return new ConfigError(`access denied to Glue (${what})`, {}, `the job role needs glue:${action} on the catalog, database and table`);
  }
  return new LoadError(`Glue ${what} failed: ${name}: ${message}`);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** `glue:<database>` → a GlueCatalog. */
export function glueCatalogFor(uri: string, opts: Omit<GlueCatalogOptions, 'database'> = {}): GlueCatalog {
  const m = /^glue:([a-z0-9_]{1,255})$/.exec(uri.trim());
  if (!m) throw new ConfigError(`bad catalog ${uri}`, {}, 'use glue:<database> (lower-case letters, digits, underscores)');
  return new GlueCatalog({ ...opts, database: m[1] });
}

/**
 * Starts a crawler and waits until it is READY again, then checks how its last crawl ended. A crawl
 * already running (CrawlerRunningException) is waited for instead. FAILED/CANCELLED → LoadError with
 * Glue's message; past the deadline → LoadError (the crawl keeps running in Glue).
 */
export async function startCrawlerAndWait(crawler: string, opts: CrawlWaitOptions = {}): Promise<CrawlResult> {
  const client = opts.client ?? glueClient(opts.clientOptions);
  try {
    return await waitForCrawl(client, crawler, opts);
  } finally {
    if (!opts.client) client.destroy();
  }
}

async function waitForCrawl(client: GlueClient, crawler: string, opts: CrawlWaitOptions): Promise<CrawlResult> {
  const clock = opts.clock ?? realClock;
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const pollMs = opts.pollMs ?? 10_000;
  const start = clock.now();
  let joinedRunning = false;
  let sawNotReady = false;
  try {
    await client.send(new StartCrawlerCommand({ Name: crawler }));
  } catch (e) {
    const { name, message } = awsErrorInfo(e);
    if (name === 'CrawlerRunningException') joinedRunning = true;
    else if (name === 'EntityNotFoundException') throw new ConfigError(`Glue crawler ${crawler} does not exist`, {}, 'check the crawler name');
    else throw glueApiError(e, `StartCrawler ${crawler}`, name, message);
  }
  for (;;) {
    const res = await client.send(new GetCrawlerCommand({ Name: crawler })).catch((e) => {
      const { name, message } = awsErrorInfo(e);
      throw glueApiError(e, `GetCrawler ${crawler}`, name, message);
    });
    const c = res.Crawler;
    // After StartCrawler the state can still read READY for a moment, until Glue records the start:
    // only trust READY once it was seen busy, or its last crawl started after this call.
    const lastStart = c?.LastCrawl?.StartTime?.getTime();
    if (c?.State !== 'READY') sawNotReady = true;
    const started = joinedRunning || sawNotReady || (lastStart !== undefined && lastStart >= start - 5_000);
    if (c?.State === 'READY' && started) {
      const status = c.LastCrawl?.Status;
      if (status === 'SUCCEEDED') {
        return {
          crawler,
          status,
          startedAt: c.LastCrawl?.StartTime?.toISOString(),
          waitedMs: clock.now() - start,
          joinedRunning,
        };
      }
      throw new LoadError(
        `Glue crawler ${crawler} ${status === 'CANCELLED' ? 'was cancelled' : 'failed'}${c.LastCrawl?.ErrorMessage ? `: ${c.LastCrawl.ErrorMessage}` : ''}`,
        {},
        c.LastCrawl?.LogGroup ? `see CloudWatch ${c.LastCrawl.LogGroup}/${c.LastCrawl.LogStream ?? crawler}` : undefined,
      );
    }
    const left = timeoutMs - (clock.now() - start);
    if (left <= 0) {
      throw new LoadError(
        `Glue crawler ${crawler} did not finish within ${Math.round(timeoutMs / 1000)} s (state ${c?.State ?? 'unknown'})`,
        {},
        'it keeps running in Glue; rerun when it is READY',
      );
    }
    await clock.sleep(Math.min(pollMs, left));
  }
}
