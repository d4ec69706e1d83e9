/**
 * The row hash of an scd2 version: MD5 (32 hex digits, a function Redshift and PostgreSQL both have)
 * of a canonical text of the tracked columns, computed by the warehouse itself — the stored hash and
 * the hash of a new batch's row always come from the same engine and the same expression.
 *
 * Canonical text: the tracked columns in contract order, each written as one field
 *   NULL      -> `n`
 *   a value   -> `<L>:<text>`  where <text> is the value as VARCHAR and <L> its length in bytes (decimal digits)
 * and the fields concatenated with no separator. It cannot collide by construction: a field starts
 * either with `n` (NULL, one byte) or with digits up to the first `:`, which say exactly how many bytes
 * of value follow — so the text is read back into the same list of fields in one way only (a prefix
 * code), whatever bytes (`:`, digits, `n`, delimiters) the values hold. Two different tuples give two
 * different texts; only an MD5 collision of two different texts (2^-128 by chance) could give one
 * hash. The text of a value is exact per type: VARCHAR as is, CHAR as VARCHAR, BOOLEAN as
 * `true`/`false` (Redshift cannot CAST a boolean to text), every other type CAST to VARCHAR (decimals
 * keep their scale, dates and timestamps their ISO form).
 *
 * Redshift's VARCHAR holds 65,535 bytes: a canonical text longer than that cannot be built. When the
 * tracked columns could be that wide (a VARCHAR(MAX) among them), `hashTextFitsGuard` refuses the
 * publish in the transaction instead of letting a longer text be cut.
 */
import type { DatasetContract, RedshiftType } from '../datasets/contract.ts';
import { trackedColumns } from '../datasets/scd2-contract.ts';
import { VARCHAR_MAX_BYTES } from '../datasets/contract.ts';
import { ConfigError } from '../core/errors.ts';
import { ident } from './sql-text.ts';

/** The widest text a non-character value can have as VARCHAR (DECIMAL(38,s): 40; timestamps 26; doubles ~24). */
const VALUE_TEXT_BYTES = 64;
/** The most a field adds to its value's bytes: `n`, or up to 5 length digits and `:`. */
const FIELD_OVERHEAD_BYTES = 6;

function typeOf(contract: DatasetContract, name: string): RedshiftType {
  const c = contract.columns.find((x) => x.name === name);
  if (!c) throw new ConfigError(`dataset ${contract.name}: tracked column ${name} is not a column`);
  return c.type;
}

/** The value of `ref` (a column reference) as VARCHAR text, the same text for the same value. */
function valueText(ref: string, type: RedshiftType): string {
  switch (type.kind) {
    case 'varchar':
      return ref;
    case 'char':
      return `CAST(${ref} AS VARCHAR(${type.bytes}))`;
    case 'boolean':
      return `CASE WHEN ${ref} THEN 'true' ELSE 'false' END`;
    default:
      return `CAST(${ref} AS VARCHAR(${VALUE_TEXT_BYTES}))`;
  }
}

function maxValueBytes(type: RedshiftType): number {
  if (type.kind === 'varchar') return type.bytes === 'max' ? VARCHAR_MAX_BYTES : type.bytes;
  if (type.kind === 'char') return type.bytes;
  return VALUE_TEXT_BYTES;
}

/** `MD5(<canonical text>)` over the tracked columns of the row `alias` names (a table or its alias). */
export function rowHashExpression(contract: DatasetContract, alias: string): string {
  const fields = trackedColumns(contract).map((name) => {
    const text = valueText(`${alias}.${ident(name, 'tracked column')}`, typeOf(contract, name));
    return `CASE WHEN ${alias}.${name} IS NULL THEN 'n' ELSE CAST(OCTET_LENGTH(${text}) AS VARCHAR(12)) || ':' || ${text} END`;
  });
  return `MD5(${fields.join(' || ')})`;
}

/** The longest canonical text the tracked columns' types allow. */
export function maxHashTextBytes(contract: DatasetContract): number {
  return trackedColumns(contract).reduce((sum, name) => sum + maxValueBytes(typeOf(contract, name)) + FIELD_OVERHEAD_BYTES, 0);
}

/**
 * A guard over the stage (alias `s`): every row's canonical text fits a VARCHAR; undefined when the
 * tracked columns' types cannot make it longer (no statement needed).
 */
export function hashTextFitsGuard(contract: DatasetContract, stage: string): string | undefined {
  if (maxHashTextBytes(contract) <= VARCHAR_MAX_BYTES) return undefined;
  const lengths = trackedColumns(contract).map(
    (name) => `COALESCE(OCTET_LENGTH(${valueText(`s.${ident(name, 'tracked column')}`, typeOf(contract, name))}), 0) + ${FIELD_OVERHEAD_BYTES}`,
  );
  return (
    `/* guard: every row's tracked columns fit the ${VARCHAR_MAX_BYTES}-byte text the row hash is taken of */ ` +
    `SELECT 1 / (CASE WHEN COALESCE(MAX(${lengths.join(' + ')}), 0) <= ${VARCHAR_MAX_BYTES} THEN 1 ELSE 0 END) AS hash_text_ok FROM ${stage} s`
  );
}
