/**
 * Preloaded into a CLI child (`--import`) by test/jobs/partition-types.test.ts: turns the byte-level
 * page decoder off the way an encoding it does not cover would (its own PageDecodeError), so every unit
 * takes the generic per-value path (hyparquet, the evaluator, canonical text). The parts of both paths
 * are then compared byte for byte.
 */
import { pageDecoder } from '../../jobs/partition/page-decoder.ts';
import { PageDecodeError } from '../../jobs/readers/parquet-pages.ts';

pageDecoder.decodeChunk = () => {
  throw new PageDecodeError('turned off by the test');
};
