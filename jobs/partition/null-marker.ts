/**
 * The NULL marker of a load package: a text that equals NO value of the batch, so that no quoting rule
 * of any COPY can turn a value into NULL (Redshift's documentation does not say whether a quoted field
 * equal to the `NULL AS` string loads as NULL; PostgreSQL reads it as text).
 *
 * How it is chosen (and why): the parts are written while the batch is read, so the marker must be known
 * before the first byte is written. A pre-scan would read every batch twice; a random marker could not
 * be verified before writing. So the pass writes with `\N` (what every batch uses in practice) and, in
 * the same loop that totals each text column's bytes, notes every value that starts with `\N` and equals
 * one of a few fixed candidates (`NULL_MARKER_CANDIDATES`): one or two byte comparisons per value, nothing
 * more on the common path. When a value equals the marker in use, the pass throws its parts away and runs
 * once more with the first candidate the first pass saw nowhere (or, in a batch holding all of them, a
 * random one), which the second pass verifies in turn. A batch holding the value `\N` therefore costs one
 * extra pass, and the marker the parts use is recorded in the manifest (`package.csv.nullMarker`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { LoadError } from '../../core/errors.ts';
import { CSV_DIALECT, NULL_MARKER_BYTES } from '../../core/csv-dialect.ts';

/** `\N` first; then fixed, unlikely texts (deterministic: the same input gives the same parts). */
export const NULL_MARKER_CANDIDATES: readonly string[] = [
  CSV_DIALECT.nullMarker,
  ...Array.from({ length: 7 }, (_, k) => `${CSV_DIALECT.nullMarker}${createHash('sha256').update(`redshift-loader null marker ${k + 1}`).digest('hex').slice(0, 12)}`),
];

/** Every marker starts with this: a value that does not cannot equal one. */
export const MARKER_PREFIX = CSV_DIALECT.nullMarker;
const [PREFIX_0, PREFIX_1] = NULL_MARKER_BYTES;

/** Passes with a marker a value turned out to equal, before giving up (only a changing source gets there). */
const MAX_PASSES = 3;

/** Which of the watched markers the pass saw as a value (bit i: watched[i]). */
export class MarkerWatch {
  readonly watched: readonly string[];
  private readonly bytes: Uint8Array[];
  seen = 0;

  constructor(readonly marker: string) {
    if (!marker.startsWith(MARKER_PREFIX)) throw new Error(`a NULL marker must start with ${MARKER_PREFIX}`);
    this.watched = [marker, ...NULL_MARKER_CANDIDATES.filter((c) => c !== marker)];
    this.bytes = this.watched.map((m) => Buffer.from(m, 'utf8'));
  }

  /** A value, given as a string. */
  text(v: string): void {
    if (v.charCodeAt(0) !== PREFIX_0 || v.charCodeAt(1) !== PREFIX_1) return;
    const i = this.watched.indexOf(v);
    if (i >= 0) this.seen |= 1 << i;
  }

  /** A value given as UTF-8 bytes data[o, o + len), whose first two bytes are known to be `\N`. */
  bytesAt(data: Uint8Array, o: number, len: number): void {
    for (let i = 0; i < this.bytes.length; i++) {
      const m = this.bytes[i];
      if (m.length !== len) continue;
      let k = 2;
      while (k < len && data[o + k] === m[k]) k++;
      if (k === len) this.seen |= 1 << i;
    }
  }

  /** Did some value equal the marker in use? */
  get taken(): boolean {
    return (this.seen & 1) !== 0;
  }

  /** The marker for the next pass: the first candidate no value equalled, else a random one. */
  next(): string {
    for (let i = 0; i < this.watched.length; i++) {
      if ((this.seen & (1 << i)) === 0 && NULL_MARKER_CANDIDATES.includes(this.watched[i])) return this.watched[i];
    }
    return `${MARKER_PREFIX}${randomBytes(8).toString('hex')}`;
  }
}

/** Thrown by a pass that found a value equal to its NULL marker; `next` is the marker to try instead. */
export class NullMarkerTaken extends Error {
  constructor(
    readonly marker: string,
    readonly next: string,
  ) {
    super(`a value equals the NULL marker ${marker}`);
  }
}

/**
 * Runs `pass` with `\N`, and again with the marker it proposes while a value equals the marker in use.
 * `onRetry` hears each change (for the log).
 */
export async function withUnseenNullMarker<T>(pass: (marker: string) => Promise<T>, onRetry: (taken: string, next: string) => void = () => {}): Promise<T> {
  let marker = NULL_MARKER_CANDIDATES[0];
  for (let attempt = 1; ; attempt++) {
    try {
      return await pass(marker);
    } catch (e) {
      if (!(e instanceof NullMarkerTaken)) throw e;
      if (attempt >= MAX_PASSES) {
        throw new LoadError(`a value equals the NULL marker ${e.marker} in ${attempt} passes in a row`, {}, 'the batch changed while it was read: rerun the batch');
      }
      onRetry(e.marker, e.next);
      marker = e.next;
    }
  }
}
