/**
 * Reads one contract file: JSON syntax (with line and column), the shape contract.schema.json declares,
 * then what a schema cannot say (the file name is the dataset name, columns are unique, every column a
 * key, rule or checksum names exists, key columns are NOT NULL). The first fault is a ContractFileError: one line naming the file
 * and the JSON path of the bad field.
 */
import { readFileSync } from 'node:fs';
import type { DatasetContract } from './contract.ts';
import { jsonSyntaxPlace } from './json-syntax-place.ts';
import { checkAgainstSchema, type JsonSchema } from './schema-check.ts';
import { checkScd2, SCD2_COLUMN_NAMES } from './scd2-contract.ts';

export class ContractFileError extends Error {
  /** The file as the user named it, and the JSON path of the bad field ($ for the whole file). */
  constructor(readonly file: string, readonly path: string, readonly detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ContractFileError';
  }
}

let schemaCache: JsonSchema | undefined;
/** contract.schema.json, shipped next to this module. */
export function contractSchema(): JsonSchema {
  return (schemaCache ??= JSON.parse(readFileSync(new URL('./contract.schema.json', import.meta.url), 'utf8')) as JsonSchema);
}

/** The dataset name a contract file must declare: its base name without `.json`. */
export function datasetNameOfFile(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, '');
}

/** Parses and checks contract text; `file` is how messages name it (and gives the expected name). */
export function parseContract(text: string, file: string): DatasetContract {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ContractFileError(file, '$', `not valid JSON at ${jsonSyntaxPlace(text)}: ${(e as Error).message.split('\n')[0]}`);
  }
  const fault = checkAgainstSchema(value, contractSchema());
  if (fault) throw new ContractFileError(file, fault.path, fault.message);
  const c = value as DatasetContract & { $schema?: string };
  checkReferences(c, file);
  delete c.$schema;
  return c;
}

/** Reads and checks a contract file from disk. */
export function readContractFile(path: string, shownAs = path): DatasetContract {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ContractFileError(shownAs, '$', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseContract(text, shownAs);
}

function checkReferences(c: DatasetContract, file: string): void {
  const bad = (path: string, detail: string): never => {
    throw new ContractFileError(file, path, `${path} ${detail}`);
  };
  const expected = datasetNameOfFile(file);
  if (c.name !== expected) bad('$.name', `is "${c.name}" but the file is ${expected}.json: the file name (without .json) must equal name`);
  const names = new Set<string>();
  c.columns.forEach((col, i) => {
    if (names.has(col.name)) bad(`$.columns[${i}].name`, `"${col.name}" is a duplicate column`);
    names.add(col.name);
    if (col.type.kind === 'decimal' && col.type.scale > col.type.precision) bad(`$.columns[${i}].type.scale`, `must be at most precision (${col.type.precision})`);
  });
  if (names.has(c.loadTimestampColumn)) bad('$.loadTimestampColumn', `"${c.loadTimestampColumn}" is also a business column`);
  const known = (path: string, col: string, extra: string[] = []): void => {
    if (!names.has(col) && !extra.includes(col)) bad(path, `names "${col}", which is not a column (columns: ${[...names, ...extra].join(', ')})`);
  };
  const byName = new Map(c.columns.map((col) => [col.name, col]));
  c.key.forEach((k, i) => {
    known(`$.key[${i}]`, k);
    if (c.key.indexOf(k) !== i) bad(`$.key[${i}]`, `names "${k}" twice`);
    if (byName.get(k)!.nullable) bad(`$.key[${i}]`, `names "${k}", which is nullable: every key column must be "nullable": false`);
  });
  if (c.distKey !== undefined) known('$.distKey', c.distKey);
  c.sortKey.columns.forEach((k, i) => known(`$.sortKey.columns[${i}]`, k, [c.loadTimestampColumn, ...(c.writeMode === 'scd2' ? SCD2_COLUMN_NAMES : [])]));
  c.checksums.sum.forEach((k, i) => known(`$.checksums.sum[${i}]`, k));
  c.checksums.minMax.forEach((k, i) => known(`$.checksums.minMax[${i}]`, k));
  checkScd2(c, names, bad);
  if (c.retention && c.writeMode === 'scd2') {
    bad('$.retention', 'applies to snapshot and append histories; an scd2 dimension keeps every version: drop "retention" or change "writeMode"');
  }
  if (c.retention && c.retention.keepLast === undefined && c.retention.keepMonthlyFirst !== true) {
    bad('$.retention', 'keeps no batch: set "keepLast" (1 or more) and/or "keepMonthlyFirst": true, or drop retention to keep every batch');
  }
  c.quality.forEach((r, i) => {
    if ('column' in r) known(`$.quality[${i}].column`, r.column);
    if ('columns' in r) {
      r.columns.forEach((k, j) => {
        known(`$.quality[${i}].columns[${j}]`, k);
        if (r.columns.indexOf(k) !== j) bad(`$.quality[${i}].columns[${j}]`, `names "${k}" twice`);
      });
    }
  });
}
