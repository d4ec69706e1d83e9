/**
 * Which columns of a benchmark input the partitioner's byte-level decoder does not read: it asks the
 * partitioner's own rule (`fastSourceOf`, jobs/partition/unit.ts) of every column of every Parquet
 * footer in the folder. A file with any such column is read unit by unit through hyparquet and the
 * per-value path (the run's quality report counts those units under `fallbacks`, naming the first
 * column); this lists them all, with the contract type each one lands in.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, type SchemaElement } from 'hyparquet';
import { datasets, typeText } from '../datasets/index.ts';
import { fastSourceOf } from '../jobs/partition/unit.ts';

export interface FallbackColumn {
  name: string;
  /** Physical and logical type in the file, e.g. `INT32 DATE`. */
  parquetType: string;
  /** The contract's type of the column, e.g. `date`. */
  contractType: string;
}

export function parquetTypeText(e: SchemaElement): string {
  return [e.type, e.logical_type?.type ?? e.converted_type].filter(Boolean).join(' ');
}

/** Columns the byte-level decoder does not read, over every `.parquet` file of `dir`, in file order. */
export async function fallbackColumns(dataset: string, dir: string): Promise<FallbackColumn[]> {
  const contract = datasets[dataset];
  const out = new Map<string, FallbackColumn>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) {
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(join(dir, f)));
    for (const e of meta.schema.slice(1)) {
      if (fastSourceOf(e) !== undefined || out.has(e.name)) continue;
      const c = contract?.columns.find((x) => x.name === e.name);
      out.set(e.name, { name: e.name, parquetType: parquetTypeText(e), contractType: c ? typeText(c.type) : 'not in the contract' });
    }
  }
  return [...out.values()];
}
