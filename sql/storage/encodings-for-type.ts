/**
 * Which compression encodings Redshift accepts on which column types (Redshift "Compression encodings",
 * the table of encodings and data types), and which of them a contract can declare (`encoding` in
 * datasets/contract.schema.json): advice only suggests those, so the contract can follow it.
 */
import type { ColumnEncoding, RedshiftType } from '../../datasets/contract.ts';
import type { SizedEncoding } from './encoded-size.ts';

type Kind = RedshiftType['kind'];

const INTEGERS: Kind[] = ['smallint', 'integer', 'bigint', 'decimal'];
const TEMPORAL: Kind[] = ['date', 'timestamp'];
const TEXT: Kind[] = ['char', 'varchar'];
const FLOATS: Kind[] = ['real', 'double precision'];

export const REDSHIFT_ENCODINGS_FOR: Record<SizedEncoding, readonly Kind[]> = {
  raw: [...INTEGERS, ...TEMPORAL, ...TEXT, ...FLOATS, 'boolean'],
  az64: [...INTEGERS, ...TEMPORAL],
  bytedict: [...INTEGERS, ...TEMPORAL, ...TEXT, ...FLOATS],
  delta: [...INTEGERS, ...TEMPORAL],
  delta32k: ['integer', 'bigint', 'decimal', ...TEMPORAL],
  lzo: [...INTEGERS, ...TEMPORAL, ...TEXT],
  mostly8: ['smallint', 'integer', 'bigint', 'decimal'],
  mostly16: ['integer', 'bigint', 'decimal'],
  mostly32: ['bigint', 'decimal'],
  runlength: [...INTEGERS, ...TEMPORAL, ...TEXT, ...FLOATS, 'boolean'],
  zstd: [...INTEGERS, ...TEMPORAL, ...TEXT, ...FLOATS, 'boolean'],
};

/** Encodings a contract can declare (datasets' ColumnEncoding), except the deprecated TEXT255. */
export const DECLARABLE: ReadonlySet<SizedEncoding> = new Set<SizedEncoding>(['raw', 'az64', 'zstd', 'lzo', 'bytedict', 'runlength', 'delta']);

export function encodingsFor(type: RedshiftType): SizedEncoding[] {
  return (Object.keys(REDSHIFT_ENCODINGS_FOR) as SizedEncoding[]).filter((e) => REDSHIFT_ENCODINGS_FOR[e].includes(type.kind));
}

export function isDeclarable(e: SizedEncoding): e is SizedEncoding & ColumnEncoding {
  return DECLARABLE.has(e);
}
