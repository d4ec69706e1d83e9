/**
 * The scan behind `contract infer`: every row of every data file of one batch folder (local or s3://,
 * listed exactly as a run lists it: jobs/readers/batch-listing.ts), streamed — Parquet one row group at
 * a time, text one chunk at a time — so memory is bounded by a row group, not by the file. Per column it
 * keeps counts, the widest value in UTF-8 bytes, the first NULL, and for text the profile its type is
 * decided from; the key columns go through the key check on the way.
 *
 * A batch is one format: Parquet and text files together are refused (exit 2). All files must have the
 * same columns (by name, case aside); Parquet integer widths may differ (the widest wins), any other
 * type difference is refused, naming both files.
 */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.ts';
import type { ColumnBatch, Value } from '../../core/values.ts';
import type { DelimitedSourceOptions } from '../../datasets/contract.ts';
import type { Logger } from '../log.ts';
import { ignoredBecause, listBatch, readableFormat, readDelimitedBatches, readDelimitedSchema, readParquetBatches, type IgnoredEntry } from '../readers/index.ts';
import { localPath, type ObjectInfo, type ObjectStore } from '../store/index.ts';
import { contractColumnNames, type ColumnName } from './column-names.ts';
import { KeyCheck, type KeyVerdict } from './key-check.ts';
import { parquetColumnTypes, readFooter, type ParquetColumnType } from './parquet-types.ts';
import { TextColumnProfile, type Place } from './text-values.ts';
import { textOptions, type TextFlags } from './text-options.ts';

export interface ScannedColumn extends ColumnName {
  /** Parquet: the footer's type (varchar width from the scan); text: undefined (decided from `profile`). */
  parquet?: ParquetColumnType;
  profile?: TextColumnProfile;
  rows: number;
  nulls: number;
  firstNull?: Place;
  /** Longest value in UTF-8 bytes (character columns). */
  maxBytes: number;
}

export interface BatchScan {
  source: string;
  format: 'parquet' | 'csv';
  /** Names of the scanned files, relative to the batch folder. */
  files: string[];
  ignored: IgnoredEntry[];
  rows: number;
  columns: ScannedColumn[];
  /** Text batches: how the files were read (goes into the contract). */
  delimited?: DelimitedSourceOptions;
  key: string[];
  keyGiven: boolean;
  keyVerdict: KeyVerdict;
}

export interface ScanRequest {
  store: ObjectStore;
  source: string;
  /** --key as given (contract or source names), or undefined for the first column. */
  key?: string[];
  text: TextFlags;
  log: Logger;
}

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

function nameOf(uri: string): string {
  return uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
}

/** The batch's data files: refuses a missing folder and one with nothing to infer from (exit 2). */
async function listed(store: ObjectStore, source: string): Promise<{ files: ObjectInfo[]; ignored: IgnoredEntry[] }> {
  if (!source.startsWith('s3://')) {
    const s = await stat(localPath(source)).catch(() => undefined);
    if (!s?.isDirectory()) throw new ConfigError(`--source ${source} is not a folder`, {}, 'name the batch folder whose files the contract is drafted from');
  }
  const entries = await store.listFolder(source);
  if (!entries.some((e) => !ignoredBecause(e))) {
    const ignored = entries.length ? ` (ignored: ${entries.map((e) => e.name).join(', ')})` : '';
    throw new ConfigError(`no data files to infer a contract from in ${source}${ignored}`, {},
      'drop the batch\'s .parquet or .csv/.tbl/.txt files directly into the folder, or point --source at the folder that holds them');
  }
  return listBatch(store, source);
}

/** Resolves --key names against the columns (contract name or source name, case aside). */
function keyColumns(columns: ScannedColumn[], key: string[] | undefined): number[] {
  if (key === undefined) return [0];
  return key.map((k) => {
    const i = columns.findIndex((c) => c.name === k.toLowerCase() || (c.sourceName ?? c.name).toLowerCase() === k.toLowerCase());
    if (i < 0) throw new ConfigError(`--key names ${JSON.stringify(k)}, which is not a column of the batch (columns: ${columns.map((c) => c.name).join(', ')})`, {}, 'name existing columns in --key');
    return i;
  });
}

class Scanner {
  readonly columns: ScannedColumn[] = [];
  private keyIdx: number[] = [];
  private keyCheck: KeyCheck | undefined;
  rows = 0;

  constructor(private readonly req: ScanRequest) {}

  setColumns(cols: ScannedColumn[]): void {
    this.columns.push(...cols);
    this.keyIdx = keyColumns(this.columns, this.req.key);
    if (new Set(this.keyIdx).size !== this.keyIdx.length) throw new ConfigError(`--key names a column twice: ${this.req.key!.join(',')}`, {}, 'name each key column once');
    this.keyCheck = new KeyCheck(this.keyIdx.map((i) => this.columns[i].name), this.req.key !== undefined);
  }

  get key(): KeyCheck {
    return this.keyCheck!;
  }

  startFile(file: string): void {
    this.key.file(file);
  }

  /** One batch of rows; `sourceKeys[i]` is column i's name in this file. */
  add(file: string, batch: ColumnBatch, sourceKeys: string[]): void {
    const arrays = sourceKeys.map((k) => batch.columns[k]);
    this.columns.forEach((col, i) => {
      const values = arrays[i];
      const text = col.profile;
      const measure = text !== undefined || col.parquet?.type.kind === 'varchar';
      for (let r = 0; r < batch.numRows; r++) {
        const v = values[r];
        if (v === null || v === undefined) {
          if (col.nulls++ === 0) col.firstNull = { file, row: batch.firstRow + r };
          continue;
        }
        if (measure) {
          const s = v as string;
          const bytes = s.length * 3 <= col.maxBytes ? 0 : Buffer.byteLength(s, 'utf8');
          if (bytes > col.maxBytes) col.maxBytes = bytes;
          text?.add(s, () => ({ file, row: batch.firstRow + r }));
        }
      }
      col.rows += batch.numRows;
    });
    const keyArrays = this.keyIdx.map((i) => arrays[i]);
    for (let r = 0; r < batch.numRows; r++) {
      const values: Value[] = keyArrays.map((a) => a[r]);
      const nullAt = values.findIndex((v) => v === null || v === undefined);
      if (nullAt >= 0) {
        const c = this.columns[this.keyIdx[nullAt]];
        throw new ConfigError(
          `${this.req.key ? '--key column' : 'the first column'} ${c.name}${this.req.key ? '' : ', the key without --key,'} holds NULL: a key column must never be NULL`,
          { file, row: batch.firstRow + r, column: c.name },
          this.req.key ? 'name columns that always hold a value in --key' : 'pass --key naming the column(s) that identify a row');
      }
      this.key.add(values, batch.firstRow + r);
    }
    this.rows += batch.numRows;
    this.req.log.progress('infer', this.rows);
  }
}

/** The Parquet columns of a later file against the first file's: same names, compatible types. */
function sameParquetColumns(first: ScannedColumn[], firstFile: string, types: ParquetColumnType[], file: string): string[] {
  const byName = new Map(types.map((t) => [t.sourceName.toLowerCase(), t]));
  const mismatch = (what: string): never => {
    throw new ConfigError(`the files of the batch disagree: ${what}`, {}, 'infer from files of one export (the same columns and types), or fix the export');
  };
  if (types.length !== first.length) mismatch(`${file} has ${types.length} column(s), ${firstFile} ${first.length}`);
  return first.map((c) => {
    const t = byName.get((c.sourceName ?? c.name).toLowerCase()) ?? mismatch(`column ${c.sourceName ?? c.name} of ${firstFile} is not in ${file}`);
    const a = c.parquet!;
    const ra = INTEGER_RANK[a.type.kind];
    const rb = INTEGER_RANK[t.type.kind];
    if (ra && rb) {
      if (rb > ra) c.parquet = t;
    } else if (JSON.stringify(a.type) !== JSON.stringify(t.type)) {
      mismatch(`column ${c.name} is ${a.parquet} in ${firstFile} but ${t.parquet} in ${file}`);
    }
    return t.sourceName;
  });
}

async function scanParquet(sc: Scanner, req: ScanRequest, files: ObjectInfo[]): Promise<void> {
  let firstFile = '';
  for (const f of files) {
    const name = nameOf(f.uri);
    const access = await req.store.open(f.uri, f.identity);
    const types = parquetColumnTypes(name, await readFooter(access));
    let keys: string[];
    if (sc.columns.length === 0) {
      firstFile = name;
      const names = contractColumnNames(types.map((t) => t.sourceName), name);
      sc.setColumns(types.map((t, i) => ({ ...names[i], parquet: t, rows: 0, nulls: 0, maxBytes: 0 })));
      keys = types.map((t) => t.sourceName);
    } else {
      keys = sameParquetColumns(sc.columns, firstFile, types, name);
    }
    sc.startFile(name);
    for await (const batch of readParquetBatches(access)) sc.add(name, batch, keys);
  }
}

async function scanText(sc: Scanner, req: ScanRequest, files: ObjectInfo[]): Promise<DelimitedSourceOptions> {
  const { options, columns } = textOptions(files.map((f) => f.uri), req.text);
  let firstFile = '';
  for (const f of files) {
    const name = nameOf(f.uri);
    const opts = { ...options, file: name };
    const schema = await readDelimitedSchema(await req.store.readStream(f.uri, f.identity), { ...opts, columnNames: ['c1'] });
    let names = schema.columns.map((c) => c.name);
    if (!options.header) {
      const n = names.length;
      if (columns && columns.length !== n) {
        throw new ConfigError(`--columns names ${columns.length} column(s) but the file has ${n} field(s) per row`, { file: name }, 'name every field once in --columns');
      }
      names = columns ?? names.map((_, i) => `c${i + 1}`);
    }
    let keys: string[];
    if (sc.columns.length === 0) {
      firstFile = name;
      const cn = contractColumnNames(names, name);
      sc.setColumns(cn.map((c) => ({ ...c, profile: new TextColumnProfile(), rows: 0, nulls: 0, maxBytes: 0 })));
      keys = names;
    } else {
      const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
      if (names.length !== sc.columns.length) {
        throw new ConfigError(`the files of the batch disagree: ${name} has ${names.length} column(s), ${firstFile} ${sc.columns.length}`, {}, 'infer from files of one export (the same columns)');
      }
      keys = sc.columns.map((c) => byLower.get((c.sourceName ?? c.name).toLowerCase()) ??
        ((): never => {
          throw new ConfigError(`the files of the batch disagree: column ${c.sourceName ?? c.name} of ${firstFile} is not in ${name}`, {}, 'infer from files of one export (the same columns)');
        })());
    }
    sc.startFile(name);
    const stream = await req.store.readStream(f.uri, f.identity);
    for await (const batch of readDelimitedBatches(stream, { ...opts, columnNames: names })) sc.add(name, batch, keys);
  }
  return options;
}

/** Scans the batch folder `req.source` (see the module comment). */
export async function scanBatch(req: ScanRequest): Promise<BatchScan> {
  const { files, ignored } = await listed(req.store, req.source);
  for (const i of ignored) req.log.info(`ignored ${i.uri}: ${i.reason}`);
  const formats = new Set(files.map((f) => readableFormat(f.uri)));
  if (formats.size > 1) {
    throw new ConfigError(`${req.source} holds both Parquet and text files: a contract reads one format`, {},
      'infer from a folder of one format (move the others out)');
  }
  const format = [...formats][0];
  const sc = new Scanner(req);
  const delimited = format === 'parquet' ? (await scanParquet(sc, req, files), undefined) : await scanText(sc, req, files);
  req.log.endProgress();
  if (sc.rows === 0) {
    throw new ConfigError(`the ${files.length} file(s) in ${req.source} hold no rows: nothing to infer types, NULLs and widths from`, {},
      'infer from a batch that holds rows');
  }
  return {
    source: req.source,
    format,
    files: files.map((f) => nameOf(f.uri)),
    ignored,
    rows: sc.rows,
    columns: sc.columns,
    delimited,
    key: sc.key.columns,
    keyGiven: req.key !== undefined,
    keyVerdict: sc.key.verdict(),
  };
}
