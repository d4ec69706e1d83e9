/**
 * When a Parquet unit leaves the byte-level path for hyparquet, and how those units are counted.
 *
 * Only two things send a unit to hyparquet: what the page decoder does not cover or cannot make sense
 * of (its own PageDecodeError: an encoding, a codec's damaged data of any codec, pages that do not add up; hyparquet
 * then reads the unit, or gives the reader's exact message for a damaged file), and what this path
 * declines on purpose (ByteLevelDeclined: a column type it does not read, text that is not UTF-8). Any
 * other error is a bug and propagates (exit 1): a bug must never pass as a quietly slower run.
 */
import type { FallbackCount, QualityReport } from '../../data-quality/index.ts';
import { PageDecodeError } from '../readers/parquet-pages.ts';

/** The byte-level path declines a unit (not a bug): hyparquet reads it. `reason` is what the report counts. */
export class ByteLevelDeclined extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ByteLevelDeclined';
  }
}

/** The reason to read a unit through hyparquet instead, or undefined when the error must propagate. */
export function fallbackReason(e: unknown): string | undefined {
  if (e instanceof PageDecodeError) return `page decoder: ${e.message}`;
  if (e instanceof ByteLevelDeclined) return e.reason;
  return undefined;
}

/** Text decoded strictly as UTF-8; bytes that are not UTF-8 decline the unit (hyparquet gives the reader's error). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export function decodeUtf8(bytes: Uint8Array, column: string): string {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw new ByteLevelDeclined(`text that is not UTF-8 in column ${column}`);
    throw e;
  }
}

/** Fallback units of a pass, counted by reason in the order they first occurred. */
export class FallbackCounter {
  private readonly byReason = new Map<string, number>();
  private units = 0;

  add(reason: string): void {
    this.units++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }

  /** The count, or undefined when every unit took the byte-level path (reports stay as they were). */
  result(): FallbackCount | undefined {
    if (this.units === 0) return undefined;
    return { units: this.units, reasons: [...this.byReason].map(([reason, units]) => ({ reason, units })) };
  }
}

/** The quality report with the pass's fallbacks (when there were any) as its `fallbacks` field. */
export function withFallbacks(report: QualityReport, fallbacks: FallbackCount | undefined): QualityReport;
export function withFallbacks(report: QualityReport | undefined, fallbacks: FallbackCount | undefined): QualityReport | undefined;
export function withFallbacks(report: QualityReport | undefined, fallbacks: FallbackCount | undefined): QualityReport | undefined {
  return report && fallbacks ? { ...report, fallbacks } : report;
}
