/**
 * One column's encoding advice from a sample: every encoding Redshift allows on the type sized on the
 * sample (encoded-size.ts), the cheapest one the contract can declare suggested when it saves at least
 * MIN_SAVING of the column's bytes (a smaller difference is within what the estimates can tell apart).
 * The first sort-key column keeps RAW: compressing it would defeat the zone maps range reads rely on.
 */
import type { ColumnEncoding, RedshiftType } from '../../datasets/contract.ts';
import type { SampleColumn } from './column-sample.ts';
import { ENCODING_SIZERS, ZSTD_METHOD, type SizedEncoding } from './encoded-size.ts';
import { encodingsFor, isDeclarable } from './encodings-for-type.ts';

export const MIN_SAVING = 0.05;

export interface MeasuredEncoding {
  encoding: SizedEncoding;
  bytesPerMillion: number;
  /** 'definition': computed from the documented encoding; 'estimate': a model of a proprietary or LZ coder. */
  basis: 'definition' | 'estimate';
}

export interface EncodingAdvice {
  currentEncoding: ColumnEncoding;
  suggestedEncoding: ColumnEncoding;
  bytesPerMillionNow: number;
  bytesPerMillionSuggested: number;
  measured: MeasuredEncoding[];
  reason: string;
}

export interface EncodingAdviceInput {
  type: RedshiftType;
  current: ColumnEncoding;
  /** The sample as stored now, and with the suggested type (a narrower varchar changes BYTEDICT's dictionary). */
  now: SampleColumn;
  suggested: SampleColumn;
  sampleRows: number;
  firstSortKey: boolean;
}

function perMillion(bytes: number, rows: number): number {
  return rows === 0 ? 0 : Math.round((bytes / rows) * 1_000_000);
}

function label(e: string): string {
  return e === 'zstd' ? `ZSTD (${ZSTD_METHOD})` : e.toUpperCase();
}

/** Bytes per million rows of one encoding on a sample. */
export function measure(e: SizedEncoding, col: SampleColumn, rows: number): MeasuredEncoding {
  const s = ENCODING_SIZERS[e];
  return { encoding: e, bytesPerMillion: perMillion(s.size(col), rows), basis: s.basis };
}

export function encodingAdvice(i: EncodingAdviceInput): EncodingAdvice {
  // LZO is sized only when the column has it now: no contract default uses it and it is never the smallest.
  const allowed = encodingsFor(i.type).filter((e) => e !== 'lzo' || i.current === 'lzo');
  const measured = allowed.map((e) => measure(e, i.suggested, i.sampleRows));
  if (!Object.hasOwn(ENCODING_SIZERS, i.current)) {
    const n = measure('lzo', i.now, i.sampleRows).bytesPerMillion;
    return { currentEncoding: i.current, suggestedEncoding: i.current, bytesPerMillionNow: n, bytesPerMillionSuggested: n, measured, reason: `${i.current.toUpperCase()} is not measured here: no change suggested` };
  }
  const nowBytes = measure(i.current as SizedEncoding, i.now, i.sampleRows).bytesPerMillion;
  const keep = (reason: string): EncodingAdvice => {
    const suggestedBytes = measured.find((m) => m.encoding === (i.current as SizedEncoding))?.bytesPerMillion ?? nowBytes;
    return { currentEncoding: i.current, suggestedEncoding: i.current, bytesPerMillionNow: nowBytes, bytesPerMillionSuggested: suggestedBytes, measured, reason };
  };
  if (i.sampleRows === 0) return keep('no rows in the sample');
  if (i.firstSortKey) return keep('first sort-key column: stays RAW so zone maps keep working');
  const best = measured.filter((m) => isDeclarable(m.encoding)).reduce((a, b) => (b.bytesPerMillion < a.bytesPerMillion ? b : a));
  if (best.encoding === (i.current as SizedEncoding)) return keep(`${label(i.current)} is the smallest on the sample: ${nowBytes.toLocaleString('en-US')} B per million rows`);
  if (best.bytesPerMillion > nowBytes * (1 - MIN_SAVING)) {
    return keep(`${label(i.current)} ${nowBytes.toLocaleString('en-US')} B per million rows is within ${MIN_SAVING * 100}% of the best (${label(best.encoding)} ${best.bytesPerMillion.toLocaleString('en-US')})`);
  }
  const times = best.bytesPerMillion === 0 ? '∞' : (nowBytes / best.bytesPerMillion).toFixed(1);
  return {
    currentEncoding: i.current,
    suggestedEncoding: best.encoding as ColumnEncoding,
    bytesPerMillionNow: nowBytes,
    bytesPerMillionSuggested: best.bytesPerMillion,
    measured,
    reason: `${label(best.encoding)} ${times}× smaller than ${label(i.current)} on the sample (${best.basis === 'estimate' ? 'estimated' : 'from its definition'})`,
  };
}
