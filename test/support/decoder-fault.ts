/**
 * Preloaded into a CLI child (`--import`) by test/jobs/decoder-fallback.test.ts: replaces the page
 * decoder of the byte-level path with one that throws a TypeError, as a bug in it would. The run must
 * then fail with exit 1, not quietly read every unit through hyparquet.
 */
import { pageDecoder } from '../../jobs/partition/page-decoder.ts';

pageDecoder.decodeChunk = () => {
  throw new TypeError('injected decoder bug: cannot read properties of undefined');
};
