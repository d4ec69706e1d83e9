/**
 * The spec's formulas that tie PART, PARTSUPP and LINEITEM together (clause 4.2.3), with no randomness:
 * a part's retail price, and the four suppliers of a part.
 */

/** p_retailprice in cents: 90000 + ((P / 10) mod 20001) + 100 × (P mod 1000). */
export function retailPriceCents(partkey: number): number {
  return 90_000 + (Math.floor(partkey / 10) % 20_001) + 100 * (partkey % 1000);
}

/**
 * Supplier i (0 … 3) of part P when there are S suppliers:
 * (P + (i × (S/4 + (P − 1)/S))) mod S + 1, integer divisions.
 */
export function partSupplier(partkey: number, i: number, suppliers: number): number {
  return ((partkey + i * (Math.floor(suppliers / 4) + Math.floor((partkey - 1) / suppliers))) % suppliers) + 1;
}
