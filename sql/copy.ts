/**
 * The one Redshift COPY path: the COPY … MANIFEST text both Redshift adapters send (Data API and the
 * PostgreSQL-wire endpoint), the load package's layout checked against the load first (the local
 * adapters check the same layout before they stream the parts), and the explanation of a failed COPY
 * from Redshift's load-error tables.
 *
 * CSV: explicit column list, the package's own delimiter/quote/null marker, GZIP, no
 * EMPTYASNULL/BLANKSASNULL/TRUNCATECOLUMNS/ACCEPTINVCHARS (bad data must fail, not be bent),
 * COMPUPDATE OFF STATUPDATE OFF (encodings are in the DDL; stats are not worth a COPY's time); dates and
 * timestamps arrive in Redshift's default formats, so no DATEFORMAT/TIMEFORMAT 'auto' guesses at them.
 * Parquet: FORMAT AS PARQUET, which takes no column list and no CSV options.
 */
import { CSV_DIALECT } from '../core/csv-dialect.ts';
import { ConfigError, LoadError } from '../core/errors.ts';
import type { Manifest } from '../core/manifest.ts';
import { clip, ident, literal, qualifiedName } from './sql-text.ts';

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;

/** The CSV settings of a load package, as COPY spells them. */
export interface CopyCsv {
  delimiter: string;
  quote: string;
  nullMarker: string;
}

/** The parts' CSV layout when the arguments name none: the writer's dialect (core/csv-dialect.ts). */
export const DEFAULT_COPY_CSV: CopyCsv = { delimiter: CSV_DIALECT.delimiter, quote: CSV_DIALECT.quote, nullMarker: CSV_DIALECT.nullMarker };

/** Redshift's rules for the CSV delimiter, quote and null marker. */
export function checkCsvCharacters(csv: CopyCsv): void {
  const single = (v: string, what: string): void => {
    if (typeof v !== 'string' || [...v].length !== 1 || v === '\n' || v === '\r' || v === '\0') {
      throw new LoadError(`the manifest's CSV ${what} must be one character other than CR, LF or NUL, got ${JSON.stringify(v)}`);
    }
  };
  single(csv.delimiter, 'delimiter');
  single(csv.quote, 'quote');
  if (csv.delimiter === csv.quote) throw new LoadError('the CSV delimiter and quote must differ');
  if (typeof csv.nullMarker !== 'string' || /[\r\n\0]/.test(csv.nullMarker)) {
    throw new LoadError(`bad CSV null marker ${JSON.stringify(csv.nullMarker)}`);
  }
  if (csv.nullMarker.includes(csv.delimiter) || csv.nullMarker.includes(csv.quote)) {
    throw new LoadError('the CSV null marker may not contain the delimiter or the quote');
  }
}

export interface CopyStatementArgs {
  table: string;
  columns: string[];
  manifestUrl: string;
  /** An IAM role ARN, or 'default' (the cluster's default role). */
  iamRoleArn: string;
  /** 'parquet': the manifest lists Parquet files, which columnar COPY maps to the table by position. */
  format?: 'csv' | 'parquet';
  /** The parts' CSV layout (default DEFAULT_COPY_CSV). */
  csv?: CopyCsv;
}

/** The one COPY … MANIFEST text every Redshift adapter sends (see the file comment). */
export function copyStatement(a: CopyStatementArgs): string {
  if (typeof a.manifestUrl !== 'string' || !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/.test(a.manifestUrl)) {
    throw new ConfigError(`Redshift COPY reads its manifest from S3, not ${JSON.stringify(a.manifestUrl)}`, {}, 'stage the load package under an s3:// location');
  }
  if (a.iamRoleArn !== 'default' && !IAM_ROLE_ARN.test(a.iamRoleArn)) {
    throw new ConfigError(`the COPY role is not an IAM role ARN: ${JSON.stringify(a.iamRoleArn)}`, {}, 'set RL_COPY_ROLE_ARN to arn:aws:iam::<account>:role/<name>');
  }
  if (a.columns.length === 0) throw new ConfigError(`COPY into ${a.table} needs an explicit column list`);
  const table = qualifiedName(a.table);
  const cols = a.columns.map((c) => ident(c, 'column name')).join(', ');
  const from = [`FROM ${literal(a.manifestUrl)}`, `IAM_ROLE ${a.iamRoleArn === 'default' ? 'default' : literal(a.iamRoleArn)}`];
  if (a.format === 'parquet') return [`COPY ${table}`, ...from, 'FORMAT AS PARQUET MANIFEST'].join(' ');
  const csv = a.csv ?? DEFAULT_COPY_CSV;
  checkCsvCharacters(csv);
  return [
    `COPY ${table} (${cols})`,
    ...from,
    `MANIFEST CSV DELIMITER ${literal(csv.delimiter)} QUOTE ${literal(csv.quote)} GZIP`,
    `NULL AS ${literal(csv.nullMarker)}`,
    'COMPUPDATE OFF STATUPDATE OFF',
  ].join(' ');
}

/** What a load of one package needs: the target, its columns, and the package. */
export interface PackageCopyArgs {
  table: string;
  columns: string[];
  manifestUri: string;
  manifest: Manifest;
}

/**
 * The package's layout, checked against the load: a package manifest, Parquet files, or gzip CSV parts
 * holding exactly the load's columns in its order. Every adapter runs this before any COPY.
 */
export function packageLayout(args: PackageCopyArgs): { format: 'parquet' } | { format: 'csv'; csv: CopyCsv } {
  const where = { file: args.manifestUri };
  const pkg = args.manifest?.package;
  if (!pkg) throw new LoadError(`${args.manifestUri} is not a load package manifest`, where);
  if (pkg.format === 'parquet') return { format: 'parquet' };
  if (!pkg.csv) throw new LoadError(`${args.manifestUri}: parts are ${pkg.format}, not CSV`, where);
  const columns = args.columns.map((c) => ident(c, 'column name'));
  if (pkg.csv.columns && pkg.csv.columns.join(',') !== columns.join(',')) {
    throw new LoadError(
      `the parts hold columns (${pkg.csv.columns.join(', ')}), the load asks for (${columns.join(', ')})`,
      where,
      'the load package was written for another version of the contract: rebuild it',
    );
  }
  if (!pkg.csv.gzip) throw new LoadError(`${args.manifestUri}: parts must be gzip CSV`, where);
  return { format: 'csv', csv: { delimiter: pkg.csv.delimiter, quote: pkg.csv.quote, nullMarker: pkg.csv.nullMarker } };
}

/** The COPY of a load package as both Redshift adapters send it: the package's own layout, the COPY role. */
export function copyPackageSql(args: PackageCopyArgs, copyRoleArn: string | undefined): string {
  if (!copyRoleArn) {
    throw new ConfigError('no IAM role for COPY', {}, 'set RL_COPY_ROLE_ARN to the role Redshift assumes to read the staging bucket');
  }
  const layout = packageLayout(args);
  return copyStatement({
    table: args.table,
    columns: args.columns,
    manifestUrl: args.manifestUri,
    iamRoleArn: copyRoleArn,
    format: layout.format,
    ...(layout.format === 'csv' ? { csv: layout.csv } : {}),
  });
}

// ------------------------------------------------------------------------------ a failed COPY explained

/** Provisioned clusters log load errors in STL_LOAD_ERRORS; serverless only in SYS_LOAD_ERROR_DETAIL. */
export type RedshiftKind = 'provisioned' | 'serverless';

/** Where a failed COPY broke, from the load-error system table. */
export interface LoadErrorDetail {
  file?: string;
  line?: number;
  column?: string;
  reason?: string;
  value?: string;
}

/**
 * The first load error of a COPY: by its query id when known, else the latest for the table.
 * Provisioned: STL_LOAD_ERRORS (with the raw field value); serverless: SYS_LOAD_ERROR_DETAIL (no raw
 * value there). Result columns: file, line, col, reason[, value].
 */
export function loadErrorSql(kind: RedshiftKind, queryId: number | undefined, table: string): string {
  const bare = table.split('.').pop()!;
  const byQuery = queryId !== undefined && Number.isSafeInteger(queryId) && queryId > 0;
  const ofTable = `IN (SELECT oid FROM pg_class WHERE relname = ${literal(bare)})`;
  return kind === 'provisioned'
    ? 'SELECT TRIM(filename) AS file, line_number AS line, TRIM(colname) AS col, TRIM(err_reason) AS reason, ' +
        `TRIM(raw_field_value) AS value FROM stl_load_errors WHERE ${byQuery ? `query = ${queryId}` : `tbl ${ofTable}`} ` +
        'ORDER BY starttime DESC, line_number LIMIT 1'
    : 'SELECT TRIM(file_name) AS file, line_number AS line, TRIM(column_name) AS col, TRIM(error_message) AS reason ' +
        `FROM sys_load_error_detail WHERE ${byQuery ? `query_id = ${queryId}` : `table_id ${ofTable}`} ` +
        'ORDER BY start_time DESC, line_number LIMIT 1';
}

/** A load-error column as text: the columns are text or numbers (loadErrorSql selects nothing else). */
function fieldText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
}

/** A row of loadErrorSql as a LoadErrorDetail (undefined for no row). */
export function loadErrorFromRow(r: Record<string, unknown> | undefined): LoadErrorDetail | undefined {
  if (!r) return undefined;
  const text = (v: unknown) => {
    const t = fieldText(v)?.trim();
    return t === '' ? undefined : t;
  };
  const line = Number(r.line);
  return {
    file: text(r.file),
    line: Number.isSafeInteger(line) && line > 0 ? line : undefined,
    column: text(r.col),
    reason: text(r.reason),
    ...(fieldText(r.value) !== undefined ? { value: fieldText(r.value)!.trimEnd() } : {}),
  };
}

/** The one-line LoadError for a failed COPY: the load error's file, line, column, reason and value. */
export function copyLoadError(
  table: string,
  engineError: string,
  detail: LoadErrorDetail | undefined,
  kind: RedshiftKind,
  queryId?: number,
): LoadError {
  if (!detail) {
    const view = kind === 'provisioned' ? 'STL_LOAD_ERRORS' : 'SYS_LOAD_ERROR_DETAIL';
    return new LoadError(`COPY into ${table} failed: ${engineError}`, {}, `see ${view}${queryId ? ` for query ${queryId}` : ''}`);
  }
  const value = detail.value !== undefined ? `, value ${JSON.stringify(clip(detail.value, 60))}` : '';
  return new LoadError(
    `COPY into ${table} failed: ${detail.reason ?? engineError}${value}`,
    { file: detail.file, row: detail.line, column: detail.column },
    'fix the file or the contract, then rerun the batch',
  );
}
