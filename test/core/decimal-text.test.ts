/**
 * decimalText is the one definition of a decimal's text (the Parquet reader, coercion, checksums, column
 * figures and profiles all use it): exact digits at exactly `scale` places, never through a double.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalText } from '../../core/decimal-text.ts';

/** The same text by arithmetic (quotient and remainder), an independent reference. */
function byDivision(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const abs = unscaled < 0n ? -unscaled : unscaled;
  const f = 10n ** BigInt(scale);
  return `${unscaled < 0n ? '-' : ''}${abs / f}.${(abs % f).toString().padStart(scale, '0')}`;
}

describe('decimalText', () => {
  it('writes exactly `scale` places, with the sign and a leading zero where the value is under one', () => {
    assert.equal(decimalText(-10n, 2), '-0.10');
    assert.equal(decimalText(575594n, 2), '5755.94');
    assert.equal(decimalText(5n, 3), '0.005');
    assert.equal(decimalText(0n, 2), '0.00');
    assert.equal(decimalText(-7n, 0), '-7');
    assert.equal(decimalText(12n, -2), '1200', 'a negative scale multiplies');
    assert.equal(decimalText(-(10n ** 37n) + 1n, 37), '-0.9999999999999999999999999999999999999');
  });

  it('agrees with quotient-and-remainder arithmetic for every scale 0–38 and values beyond a double', () => {
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 127n);
      const v = (i % 2 ? -1n : 1n) * (x >> BigInt(i % 120));
      const scale = i % 39;
      assert.equal(decimalText(v, scale), byDivision(v, scale), `${v} at scale ${scale}`);
    }
  });
});
