import { ConfigError } from '../../core/errors.ts';

/**
 * A positive, finite number of minutes from a flag (fractions allowed: 0.5 is 30 s), or `fallback` when
 * the flag is absent. Anything else is a ConfigError naming the flag: a timeout of NaN would never expire,
 * and one of zero or less would expire before the first check.
 */
export function minutesFlag(name: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new ConfigError(`--${name} must be a positive number of minutes, got "${String(v)}"`, {}, `e.g. --${name} ${fallback}`);
  }
  return n;
}
