/**
 * The nightly run of one dataset for one batch date:
 *   drift -> quality + partition (one pass) -> stage (COPY, verify) -> publish (one transaction) -> report.
 * Exactly once: the publish transaction replaces whatever an earlier run published for the same
 * dataset and batch date, so reruns (after a crash, a kill, or on purpose) leave one copy.
 */
import { randomBytes } from 'node:crypto';
import type { DatasetContract } from '../datasets/index.ts';
import type { QualityReport } from '../data-quality/index.ts';
import { qualityErrorFrom, renderQualityMarkdown, WarehouseChecks, type FallbackCount } from '../data-quality/index.ts';
import type { QualityIn } from './quality-in.ts';
import { DEFAULT_SLICES } from './partition/part-count.ts';
import { parquetFooterPackage } from './load/parquet-footers.ts';
import { stagedChecksums } from '../sql/stage-figures.ts';
import { withFallbacks } from './partition/fallback.ts';
import { checkDrift, type DriftOutcome } from './drift-check.ts';
import { ConfigError, isUserError, LoadError } from '../core/errors.ts';
import { loadTimestamp, newRunId, packagePrefix, reportPrefix, type Locations } from './locations.ts';
import { silentLogger, type Logger } from './log.ts';
import type { Manifest } from '../core/manifest.ts';
import { partition, type PartitionOptions, type PartitionResult } from './partition/partition.ts';
import { parquetAsCsv, parquetPackage } from './load/parquet-package.ts';
import { listBatch } from './readers/index.ts';
import { renderRunMarkdown, type RunReport } from './report.ts';
import { runPageFor } from './report-html/run-page-for.ts';
import { storeFor } from './store/index.ts';
import { pinListed } from './store/pinned-store.ts';
import { checkSourceDate } from './source-date.ts';
import { checkWarehouseUri, openWarehouse } from './warehouse/index.ts';
import type { LoadLock, Warehouse } from './warehouse/warehouse.ts';
import { DEFAULT_LIMITS, type WarehouseLimits } from './warehouse/limits.ts';
import { runTag } from './warehouse/load-lock.ts';
import { stopsOn } from './warehouse/stops-on.ts';
import { pausePoint } from './pause-point.ts';
import { emitRunMetrics } from './metrics.ts';
import {
  checksumMismatches,
  emptyStage,
  failedAuditStatement,
  previousPublishedRowsQuery,
  stageChecksQuery,
} from '../sql/load.ts';
import { publishedChecksQuery, publishStatementsFor } from '../sql/write-mode.ts';
import { checkBatchOrder } from './batch-order.ts';
import { renderDdl } from '../sql/ddl.ts';
import { expiredByRunQuery } from '../sql/retention.ts';
import { checkPublishedCopy } from './already-published.ts';
import { describeChanges, sourceFingerprint } from './source-fingerprint.ts';
import { formatTimestamp } from '../sql/sql-text.ts';
import { runAdvice } from './advice/run-advice.ts';

export interface RunOptions {
  contract: DatasetContract;
  batchDate: string;
  locations: Locations;
  /** Slices of the cluster; default: what the warehouse reports, else 8 (4 x dc2.large). */
  slices?: number;
  partsPerSlice?: number;
  gzipLevel?: number;
  /** Worker threads for the partition pass (default: one per core, none for small inputs). */
  workers?: number;
  /** Largest decompressed Parquet page the partition pass accepts (--max-page-bytes; jobs/partition/page-size-limit.ts). */
  maxPageBytes?: number;
  /** 'csv' (default): re-partition into gzip CSV parts. 'parquet': COPY the landing Parquet files as they are. */
  strategy?: 'csv' | 'parquet';
  /** 'stream' (default): rules in the pass that reads the rows. 'warehouse' (with strategy 'parquet'): as SQL on the stage (jobs/quality-in.ts). */
  qualityIn?: QualityIn;
  /** Lock wait and run time of every warehouse statement (--lock-timeout, --statement-timeout). */
  limits?: WarehouseLimits;
  /** Whether the catalog was named explicitly (then a missing catalog table is an error). */
  catalogExplicit?: boolean;
  log?: Logger;
  now?: () => Date;
  /**
   * SIGTERM/SIGINT (jobs/signals.ts): stops the partition pass and cancels the running warehouse
   * statement; unless the publish committed, the run then fails with the signal's reason.
   */
  signal?: AbortSignal;
  /** Where the load package comes from instead of the partition pass: `load --plan` merges shard manifests. */
  packageFrom?: (pass: PartitionOptions) => Promise<PartitionResult>;
  /** Runs on the reconciled stage before the publish (`load --plan`: the key's uniqueness across shards). */
  afterStage?: (query: Warehouse['query']) => Promise<void>;
  /** `--rebuild-from`: replay an scd2 history from this date (YYYY-MM-DD; jobs/batch-order.ts). */
  rebuildFrom?: string;
  /** Load the batch even when its published copy has the same source fingerprint (--force). */
  force?: boolean;
  /** Opens the warehouse (default: the adapter its URI names); tests wrap it to alter a COPY on purpose. */
  openWarehouse?: (uri: string) => Promise<Warehouse>;
}

export { DEFAULT_SLICES };

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

export async function runBatch(opts: RunOptions): Promise<RunReport> {
  const { batchDate, locations } = opts;
  let contract = opts.contract;
  const log = opts.log ?? silentLogger;
  const started = (opts.now ?? (() => new Date()))();
  const runId = newRunId(started, randomBytes(3).toString('hex'));
  const loadTs = loadTimestamp(started, Number(process.hrtime.bigint() % 1000n));
  const timings: Record<string, number> = {};
  const history = `${contract.schema}.${contract.historyTable}`;
  const report: RunReport = {
    runId,
    dataset: contract.name,
    batchDate,
    status: 'running',
    startedAt: started.toISOString(),
    loadTs,
    locations: { ...locations, warehouse: '' },
    rows: {},
    files: [],
    ignored: [],
    parts: 0,
    timings,
    reports: {},
  };
  if (opts.qualityIn === 'warehouse' && opts.strategy !== 'parquet') throw new ConfigError('--quality-in warehouse needs --strategy parquet', {}, 'add --strategy parquet');
  // Every rule's SQL form is built before any data moves: a rule without one is exit 2 here.
  let inWarehouse = opts.qualityIn === 'warehouse' ? new WarehouseChecks(contract) : undefined;
  checkSourceDate(locations.source, batchDate);
  checkWarehouseUri(locations.warehouse);
  const landingStore = await storeFor(locations.source);
  const stagingStore = await storeFor(locations.staging);
  const reportStore = await storeFor(locations.reports);
  const reportsAt = reportPrefix(locations.reports, contract.name, batchDate, runId);
  let warehouse: Warehouse | undefined;
  let loadLock: LoadLock | undefined;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  let quality: QualityReport | undefined;
  let drift: DriftOutcome | undefined;
  let manifest: Manifest | undefined;
  let manifestUri: string | undefined;
  let published = false;
  let previousRowCount: number | null | undefined;
  try {
    // The batch first: an empty or missing folder fails before anything opens.
    let t = performance.now();
    const listing = await listBatch(landingStore, locations.source);
    const files = listing.files;
    // From here on every read of a source file is of the version listed, or a LoadError.
    const sourceStore = pinListed(landingStore, files);
    report.files = files.map((f) => ({ uri: f.uri, size: f.size, identity: f.identity }));
    report.ignored = listing.ignored;
    for (const i of listing.ignored) log.info(`ignored ${i.uri}: ${i.reason}`, { source: locations.source });
    log.info(`batch ${batchDate}: ${files.length} file(s), ${files.reduce((s, f) => s + f.size, 0).toLocaleString('en-US')} bytes`, {
      source: locations.source,
    });
    timings.list = ms(t);

    t = performance.now();
    const open = opts.openWarehouse ?? ((uri: string) => openWarehouse(uri, { limits, log, owner: runTag({ runId, dataset: contract.name, batchDate }) }));
    warehouse = await open(locations.warehouse);
    const wh = stopsOn(opts.signal, warehouse);
    report.locations.warehouse = wh.name;
    if (wh.dialect === 'postgres') {
      // Local engines are set up on first use; Redshift is set up once per environment by `setup`.
      for (const stmt of renderDdl(contract)) await wh.query(stmt);
    }
    // An scd2 batch older than the latest applied is refused first (exit 2), even when its files are unchanged.
    await checkBatchOrder(contract, batchDate, opts.rebuildFrom, (sql) => wh.query(sql));
    // Never do a batch twice (jobs/already-published.ts): reads only, before any other warehouse step.
    report.sourceFingerprint = sourceFingerprint(files);
    const source = await checkPublishedCopy({ wh, contract, batchDate, files, fingerprint: report.sourceFingerprint });
    if (source.kind !== 'new') report.previous = { runId: source.copy.runId, loadTs: source.copy.loadTs, fingerprint: source.copy.fingerprint };
    // A replay (--rebuild-from) rewrites history from its date even when this batch's files are unchanged.
    if (source.kind === 'same' && !opts.force && opts.rebuildFrom === undefined) {
      timings.connect = ms(t);
      report.status = 'already-published';
      report.rows.published = source.copy.rows ?? undefined;
      return report;
    }
    if (source.kind === 'same') log.info(`batch ${batchDate} is already published from the same source files (run ${source.copy.runId}): loading it again (--force)`);
    if (source.kind === 'changed') {
      report.sourceChanges = { ...(source.changes ?? { added: [], removed: [], changed: [] }), ...(source.changesUnknown ? { unknown: source.changesUnknown } : {}) };
      log.info(`source of batch ${batchDate} changed since run ${source.copy.runId} published it: ${source.changes ? describeChanges(source.changes) : source.changesUnknown!}; loading it again`, { source: locations.source });
    }
    const slices = opts.slices ?? (await wh.slices()) ?? DEFAULT_SLICES;
    timings.connect = ms(t);

    t = performance.now();
    drift = await checkDrift({ contract, store: sourceStore, files, catalogUri: locations.catalog, requireCatalogTable: false, warehouse: wh });
    for (const w of drift.warnings) if (opts.catalogExplicit) log.warn(w);
    await writeDriftReport(drift);
    if (drift.error) throw drift.error;
    for (const stmt of drift.evolveStatements) await wh.query(stmt);
    contract = drift.effectiveContract;
    // An evolved contract (new columns) is the one the stage holds: the checks follow it.
    if (inWarehouse) inWarehouse = new WarehouseChecks(contract);
    timings.drift = ms(t);

    t = performance.now();
    const previous = await wh.query(previousPublishedRowsQuery(contract, batchDate));
    previousRowCount = previous.length && previous[0].published_rows != null ? Number(previous[0].published_rows) : null;
    const outUri = packagePrefix(locations.staging, contract.name, batchDate, runId);
    const pass = { contract, sourceStore, sourceUri: locations.source, files, outStore: stagingStore, outUri, batchDate, runId, slices, previousRowCount, log, signal: opts.signal };
    let result;
    try {
      result = opts.packageFrom
        ? await opts.packageFrom(pass)
        : inWarehouse
          ? await parquetFooterPackage(pass)
          : opts.strategy === 'parquet'
            ? await parquetPackage(pass)
            : await partition({ ...pass, partsPerSlice: opts.partsPerSlice, gzipLevel: opts.gzipLevel, workers: opts.workers, maxPageBytes: opts.maxPageBytes });
    } catch (e) {
      quality = withFallbacks((e as { report?: QualityReport }).report, (e as { fallbacks?: FallbackCount }).fallbacks);
      // A refused batch was still read: its ledger (run.json, run.html) shows the rows the rules saw.
      if (quality) report.rows.read = quality.rowCount;
      throw e;
    }
    quality = withFallbacks(result.quality, result.fallbacks);
    manifest = result.manifest;
    manifestUri = result.manifestUri;
    report.parts = manifest.entries.length;
    report.manifest = manifestUri;
    report.rows.source = result.sourceRows ?? result.readRows;
    report.rows.read = result.readRows;
    report.rows.parts = manifest.entries.reduce((s, e) => s + e.meta.record_count, 0);
    report.rows.manifest = manifest.package.checksums.rows;
    report.checksums = manifest.package.checksums;
    timings.partition = ms(t);
    log.info(manifest.package.format === 'parquet' ? `checked ${manifest.entries.length} Parquet file(s) and wrote the manifest` : `wrote ${manifest.entries.length} parts (${slices} slices) and the manifest`, { manifest: manifestUri, rows: result.readRows });
    if (quality) for (const w of warnings(quality)) log.warn(w);

    t = performance.now();
    // One run per dataset from here to the publish: the stage is the dataset's, not the batch's.
    loadLock = await wh.acquireLoadLock({ dataset: contract.name, schema: contract.schema, batchDate, runId, timeoutMs: limits.lockTimeoutMs, log });
    await wh.query(emptyStage(contract));
    const copied = await wh.copyManifest({
      table: `${contract.schema}.${contract.stageTable}`,
      columns: contract.columns.map((c) => c.name),
      manifestUri,
      manifest,
      store: stagingStore,
      csvText: manifest.package.format === 'parquet' ? parquetAsCsv(contract, sourceStore, manifest.package.nullMarker) : undefined,
    });
    const [checks] = await wh.query(stageChecksQuery(contract));
    // Quality in the warehouse: the footers gave the row count only; the stage's figures guard the publish.
    const expected = inWarehouse ? stagedChecksums(contract, checks, manifest.package.checksums.rows) : manifest.package.checksums;
    const mismatches = checksumMismatches(contract, checks, expected);
    report.rows.staged = Number(checks.rows);
    if (copied !== manifest.package.checksums.rows) mismatches.unshift(`COPY reported ${copied} rows, the manifest lists ${manifest.package.checksums.rows}`);
    if (mismatches.length) throw new LoadError(`staged data does not reconcile with the manifest: ${mismatches.join('; ')}`, {}, 'rerun the batch');
    if (opts.afterStage) await opts.afterStage((sql) => wh.query(sql));
    timings.stage = ms(t);
    if (inWarehouse) {
      t = performance.now();
      quality = await inWarehouse.run((sql) => wh.query(sql), { previousRowCount, batchFolder: locations.source, files: files.length });
      for (const w of warnings(quality)) log.warn(w);
      log.info(`checked ${quality.rules.length} rules on ${contract.schema}.${contract.stageTable} in the warehouse`, { rows: quality.rowCount });
      timings.quality = ms(t);
      const blocked = qualityErrorFrom(quality);
      if (blocked) throw blocked;
      report.checksums = expected;
    }

    t = performance.now();
    await wh.transaction(
      publishStatementsFor({
        rebuildFrom: opts.rebuildFrom,
        contract,
        runId,
        batchDate,
        loadTs,
        expected,
        audit: { ...auditFacts(), source_fingerprint: report.sourceFingerprint, source_rows: report.rows.source, part_rows: report.rows.parts, manifest_rows: report.rows.manifest, staged_rows: report.rows.staged, manifest_url: manifestUri },
      }),
    );
    published = true;
    // Read back what was committed: the publish transaction guarded it, this proves it to the report.
    // Committed is published: a signal from here on no longer stops the run (unwrapped warehouse).
    const [after] = await warehouse.query(publishedChecksQuery(contract, loadTs));
    report.rows.published = Number(after.rows);
    const afterMismatches = checksumMismatches(contract, after, expected, 'published');
    if (afterMismatches.length) throw new LoadError(`published data does not reconcile with the manifest: ${afterMismatches.join('; ')}`);
    if (contract.retention) {
      const expired = await warehouse.query(expiredByRunQuery(contract, runId));
      report.expired = { batches: expired.length, rows: expired.reduce((n, e) => n + Number(e.published_rows ?? 0), 0), batchDates: expired.map((e) => String(e.batch_date)) };
      if (expired.length) log.info(`retention expired ${report.expired.batches} batch(es) (${report.expired.batchDates.join(', ')}): ${report.expired.rows} rows deleted from ${history}`);
    }
    timings.publish = ms(t);
    // Published: the next loader of this dataset need not wait for the advice (PGlite: the folder lock too).
    await releaseWarehouse();
    await pausePoint('advice');
    t = performance.now();
    report.advice = await runAdvice({ contract, batchDate, runId, quality, manifest, staging: stagingStore, reports: reportStore, reportsUri: locations.reports, log });
    timings.advice = ms(t);
    report.status = 'published';
    return report;
  } catch (caught) {
    // Stopped by a signal before the publish committed: that is the reason, whatever the step threw.
    const e: unknown = opts.signal?.aborted && !published ? opts.signal.reason : caught;
    report.status = 'failed';
    report.error = isUserError(e) ? (e).oneLine() : `unexpected: ${(e as Error).message}`;
    report.exitCode = isUserError(e) ? (e).exitCode : 1;
    if (warehouse && !published) {
      await pausePoint('audit');
      await warehouse
        .transaction([
          failedAuditStatement({
            contract,
            runId,
            batchDate,
            loadTs,
            message: report.error,
            ...auditFacts(),
            source_fingerprint: report.sourceFingerprint,
          }),
        ])
        .catch((auditError: Error) => log.warn(`could not record the failure in the audit table: ${auditError.message}`));
    }
    throw e;
  } finally {
    const finished = (opts.now ?? (() => new Date()))(); // the same clock as `started`
    report.finishedAt = finished.toISOString();
    report.timings.total = finished.getTime() - started.getTime();
    await releaseWarehouse();
    await writeReports().catch((e: Error) => log.warn(`could not write the run report: ${e.message}`));
    emitRunMetrics(log, { report, quality, drift, manifest, previousRowCount }, finished);
  }

  /** Gives back the dataset's load lock, then the warehouse; once only (after the publish, else in the finally block). */
  async function releaseWarehouse(): Promise<void> {
    const lock = loadLock;
    const wh = warehouse;
    loadLock = undefined;
    warehouse = undefined;
    await lock?.release();
    await wh?.close().catch(() => undefined);
  }

  /** What the audit row records of this run, whether it published or failed. */
  function auditFacts() {
    return {
      started_at: formatTimestamp(started),
      source_files: report.files.length,
      source_rows: report.rows.source,
      part_rows: report.rows.parts,
      manifest_rows: report.rows.manifest,
      staged_rows: report.rows.staged,
      manifest_url: manifestUri,
      timings,
    };
  }

  async function writeDriftReport(d: DriftOutcome): Promise<void> {
    report.reports.driftJson = reportStore.join(reportsAt, 'drift.json');
    report.reports.driftMarkdown = reportStore.join(reportsAt, 'drift.md');
    await reportStore.write(report.reports.driftJson, d.json, 'application/json');
    await reportStore.write(report.reports.driftMarkdown, d.markdown, 'text/markdown');
  }

  async function writeReports(): Promise<void> {
    if (quality) {
      report.reports.qualityJson = reportStore.join(reportsAt, 'quality.json');
      report.reports.qualityMarkdown = reportStore.join(reportsAt, 'quality.md');
      await reportStore.write(report.reports.qualityJson, `${JSON.stringify(quality, bigintSafe, 2)}\n`, 'application/json');
      await reportStore.write(report.reports.qualityMarkdown, renderQualityMarkdown(quality), 'text/markdown');
    }
    report.reports.runJson = reportStore.join(reportsAt, 'run.json');
    report.reports.runMarkdown = reportStore.join(reportsAt, 'run.md');
    report.reports.runHtml = reportStore.join(reportsAt, 'run.html');
    const html = await runPageFor({ report, table: history, quality, drift: drift?.report }, log);
    if (html === undefined) delete report.reports.runHtml;
    await reportStore.write(report.reports.runMarkdown, renderRunMarkdown(report, history), 'text/markdown');
    // The page never costs the run its run.json: a page that could not be written is named nowhere.
    if (html !== undefined && report.reports.runHtml) {
      await reportStore.write(report.reports.runHtml, html, 'text/html; charset=utf-8').catch((e: Error) => {
        log.warn(`could not write ${report.reports.runHtml}: ${e.message}`);
        delete report.reports.runHtml;
      });
    }
    await reportStore.write(report.reports.runJson, `${JSON.stringify(report, bigintSafe, 2)}\n`, 'application/json');
  }
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function warnings(q: QualityReport): string[] {
  return q.rules.filter((r) => r.status === 'warn').map((r) => `quality warning: ${r.id} failed on ${r.failed} of ${r.checked} rows`);
}
