/**
 * Schema drift: the contract against up to three other schemas, and the catalog against its previous
 * version. Plain inputs, a plain report; `driftErrorFrom` turns a blocking report into the one line
 * the run stops with (exit 3).
 *
 * Sources and what they are compared with:
 * - each of the batch's files ('file <uri>'), against the contract: the files are what will be loaded,
 *   so their findings decide the run;
 * - the catalog's latest version ('catalog v3'), against the contract. It decides the run when there is
 *   no batch (the crawler-triggered job in AWS). With a batch its findings are capped at 'warn': a crawl
 *   can be stale, and the files themselves were compared. Where the files and the catalog disagree,
 *   `notes` says so (re-run the crawler);
 * - the catalog's previous version ('catalog v2→v3'), against the latest: what the last crawl changed.
 *   Always 'info' or 'warn': history, not a verdict (the latest version is compared with the contract);
 * - the warehouse table ('warehouse'), when it exists, against the contract (the other direction: the
 *   contract's values go into it).
 *
 * Classes (kind → severity):
 * - column_removed: a contract column a source lacks → breaking (the load cannot fill it). In the
 *   warehouse under policy 'evolve', a nullable contract column the table lacks is added (warn).
 * - column_added: a source column the contract lacks → by policy: freeze → breaking; evolve → info,
 *   and it is returned in `evolve` (added nullable to the stage and history tables; breaking when its
 *   type cannot be mapped); discard → info, and it is returned in `ignored`. A warehouse column the
 *   contract lacks: info when nullable (the loader leaves it NULL), breaking when NOT NULL.
 * - type_widened (info), type_narrowed_checked (warn), type_breaking (breaking): the source type against
 *   the contract type, as glue-types.ts classifies them. 'narrowing-checked' is not breaking: the pass
 *   checks every value and fails with exit 4 if one does not fit (BIGINT s_nationkey into integer and
 *   DOUBLE s_acctbal into decimal(12,2) are what real TPC-H exports write). A nested or unknown type is
 *   type_breaking. A CSV file declares no types (every field is text the pass parses and checks): its
 *   text columns give no type finding; a catalog crawled from CSV that records `string` for a typed
 *   contract column gives type_narrowed_checked (warn). In the WAREHOUSE any narrowing is breaking: the pass checks values against the
 *   contract's types, not the table's, so a warehouse column narrower than the contract (varchar(50) for
 *   a contract varchar(100)) would fail the COPY after the whole batch was processed (exit 5).
 * - nullability_changed: a NOT NULL contract column a file or catalog declares nullable → warn (DuckDB
 *   writes every column OPTIONAL; the not_null rule checks the values). Between catalog versions → warn.
 *   A warehouse column NOT NULL where the contract allows NULL → breaking (a NULL would fail the COPY);
 *   the reverse → info. CSV files declare nothing about NULL: not compared.
 * - likely_rename: in one source, exactly one contract column missing and exactly one new column of the
 *   same type family (number, text, boolean, date/time, binary) → replaces that column_removed and
 *   column_added pair, with the severity the removal would have had.
 *
 * Names: a source column matches a contract column by `sourceName ?? name`, case-insensitively (Glue
 * lower-cases). A headerless CSV source whose columns are Glue's positional col0, col1, … is matched by
 * position (with `trailingDelimiter`, one extra last column is dbgen's trailing `|` and is not a column).
 * Warehouse columns match by the contract's `name`; the loader's own columns (the load timestamp, and
 * any in `loaderColumns`) are not compared.
 *
 * Policies only decide what happens to new columns (as dlt's schema contracts do): a source type the
 * pass can convert is not a schema change under any policy; breaking findings block under every policy.
 */
import type { ColumnContract, DatasetContract, DriftPolicy, RedshiftType } from '../datasets/contract.ts';
import type { FileSchema } from '../core/values.ts';
import { DriftError } from '../core/errors.ts';
import type { CatalogTable } from './catalog.ts';
import type { Compatibility, NormalizedType } from './glue-types.ts';
import {
  classifyCompatibility,
  contractTypeOfGlue,
  formatContractType,
  normalizeContractType,
  parseGlueType,
  sameType,
} from './glue-types.ts';
import { canonicalGlueType, inferCatalogTable, widerGlueType } from './infer.ts';
import { formatWarehouseType, parseWarehouseType } from './warehouse-types.ts';

export type DriftKind =
  | 'column_added'
  | 'column_removed'
  | 'type_widened'
  | 'type_narrowed_checked'
  | 'type_breaking'
  | 'nullability_changed'
  | 'likely_rename';

export type DriftSeverity = 'info' | 'warn' | 'breaking';

export interface DriftFinding {
  kind: DriftKind;
  /** The contract's column name when the column is in the contract; else the source's, lower-cased. */
  column: string;
  /** What the contract (or, between catalog versions, the previous version) says: a type, 'not null', 'nullable'. */
  expected?: string;
  /** What the source says: a type, 'missing', 'nullable', 'not null'. */
  found?: string;
  /** Where it was found: 'file <uri>', 'catalog v3', 'catalog v2→v3', 'warehouse'. The first of `sources`. */
  source: string;
  /** Every source with this same finding (one finding for 300 files that all say the same). */
  sources: string[];
  severity: DriftSeverity;
  /** likely_rename: the new column that probably replaced `column`. */
  renamedTo?: string;
  /** One line: the column, both types, the source. */
  message: string;
  /** What to do about it. */
  hint?: string;
}

/** A warehouse column as information_schema shows it (sql/catalog.ts `warehouseColumnsFrom`). */
export interface WarehouseColumn {
  name: string;
  /** Redshift's type text: 'bigint', 'character varying(100)', 'numeric(12,2)', 'timestamp without time zone', … */
  type: string;
  nullable: boolean;
}

export interface DriftInput {
  contract: DatasetContract;
  /** The catalog table's latest version and, when there is one, the version before it. */
  catalog?: { latest: CatalogTable; previous?: CatalogTable };
  /** The batch's own file schemas; absent or empty when drift runs without a batch. */
  files?: FileSchema[];
  /** The warehouse table's columns, once it exists. */
  warehouse?: WarehouseColumn[];
  /** Warehouse columns the loader manages itself, never compared (default: the contract's load timestamp column). */
  loaderColumns?: string[];
  /** The report's clock (tests). */
  now?: Date;
}

export interface DriftReport {
  dataset: string;
  generatedAt: string;
  policy: DriftPolicy;
  decision: 'proceed' | 'block';
  inputs: {
    contract: { columns: number };
    catalog?: {
      database: string;
      table: string;
      location: string;
      classification: string;
      latestVersion: string;
      previousVersion?: string;
      columns: number;
      /** The batch's files show columns or types the latest version does not record. */
      stale?: boolean;
    };
    files: Array<{ file: string; format: string; columns: number; rowCount?: number }>;
    warehouse?: { columns: number };
  };
  summary: { breaking: number; warn: number; info: number };
  /** Most severe first. */
  findings: DriftFinding[];
  /** Policy 'evolve': the sources' new columns, nullable, to load along with the contract's. */
  evolve: ColumnContract[];
  /** Columns the warehouse tables need added before loading (`evolveStatements`): new evolve columns, and under 'evolve' nullable contract columns the table lacks. */
  addColumns: ColumnContract[];
  /** Policy 'discard': new source columns the load ignores. */
  ignored: string[];
  /** Observations that are not findings: a stale catalog, files that disagree with one another. */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------

interface SourceColumn {
  name: string;
  type: string;
  nullable?: boolean;
}

interface Source {
  label: string;
  columns: SourceColumn[];
  /** Untyped text (CSV): strings parse into anything; nullability is not declared. */
  text: boolean;
  /** Findings decide the run (files; the catalog when there is no batch). */
  decides: boolean;
  /** One of the batch's files (not a catalog table). */
  file: boolean;
}

interface Candidate {
  name: string;
  type: string;
  sourceName?: string;
}

type Raw = Omit<DriftFinding, 'sources' | 'message' | 'hint'> & { message: string; hint?: string };

const SEVERITY_ORDER: Record<DriftSeverity, number> = { breaking: 0, warn: 1, info: 2 };

function tryGlue(text: string): NormalizedType | undefined {
  try {
    return parseGlueType(text);
  } catch {
    return undefined;
  }
}

function tryWarehouse(text: string): NormalizedType | undefined {
  try {
    return parseWarehouseType(text);
  } catch {
    return undefined;
  }
}

function family(t: NormalizedType): string {
  switch (t.kind) {
    case 'integer':
    case 'decimal':
    case 'float':
      return 'number';
    case 'date':
    case 'timestamp':
      return 'time';
    default:
      return t.kind;
  }
}

function where(label: string): string {
  return label === 'warehouse' ? 'the warehouse table' : label;
}

function typeFinding(cls: Compatibility): { kind: DriftKind; severity: DriftSeverity } | undefined {
  switch (cls) {
    case 'same':
      return undefined;
    case 'widening':
      return { kind: 'type_widened', severity: 'info' };
    case 'narrowing-checked':
      return { kind: 'type_narrowed_checked', severity: 'warn' };
    case 'breaking':
      return { kind: 'type_breaking', severity: 'breaking' };
  }
}

const POSITIONAL = /^col(\d+)$/;

/** Contract column index → the source column it matches (by name, or by position for headerless CSV). */
function matchColumns(contract: DatasetContract, src: Source): { matched: Map<number, SourceColumn>; extra: SourceColumn[] } {
  const matched = new Map<number, SourceColumn>();
  const used = new Set<SourceColumn>();
  const positional =
    src.text && !contract.source.delimited.header && src.columns.length > 0 &&
    src.columns.every((c) => POSITIONAL.test(c.name.toLowerCase()));
  if (positional) {
    const byIndex = new Map(src.columns.map((c) => [Number(POSITIONAL.exec(c.name.toLowerCase())![1]), c]));
    contract.columns.forEach((_, i) => {
      const c = byIndex.get(i);
      if (c) {
        matched.set(i, c);
        used.add(c);
      }
    });
    const trailing = byIndex.get(contract.columns.length);
    if (contract.source.delimited.trailingDelimiter && trailing && src.columns.length === contract.columns.length + 1) {
      used.add(trailing);
    }
  } else {
    const byName = new Map<string, SourceColumn>();
    for (const c of src.columns) if (!byName.has(c.name.toLowerCase())) byName.set(c.name.toLowerCase(), c);
    contract.columns.forEach((col, i) => {
      const c = byName.get((col.sourceName ?? col.name).toLowerCase());
      if (c) {
        matched.set(i, c);
        used.add(c);
      }
    });
    // a second column differing only in case is the same name to Glue: not a new column
    for (const c of src.columns) if (byName.get(c.name.toLowerCase()) !== c) used.add(c);
  }
  return { matched, extra: src.columns.filter((c) => !used.has(c)) };
}

/** Replaces a lone column_removed + column_added pair of the same type family with one likely_rename. */
function detectRename(
  removed: Raw[],
  added: Array<{ col: SourceColumn; finding: Raw }>,
  typeOf: (removedColumn: string) => NormalizedType | undefined,
  parse: (text: string) => NormalizedType | undefined,
  message: (r: Raw, a: SourceColumn) => string,
): { rename?: Raw; removed: Raw[]; added: Array<{ col: SourceColumn; finding: Raw }> } {
  if (removed.length !== 1 || added.length !== 1) return { removed, added };
  const was = typeOf(removed[0].column);
  const now = parse(added[0].col.type);
  if (!was || !now || family(was) !== family(now)) return { removed, added };
  const r = removed[0];
  const a = added[0].col;
  return {
    rename: {
      kind: 'likely_rename',
      column: r.column,
      renamedTo: a.name.toLowerCase(),
      expected: r.expected,
      found: a.type,
      source: r.source,
      severity: r.severity,
      message: message(r, a),
      hint: r.severity === 'breaking'
        ? `if ${a.name.toLowerCase()} is ${r.column} renamed, set sourceName: '${a.name}' on ${r.column} in the contract; otherwise fix the export`
        : undefined,
    },
    removed: [],
    added: [],
  };
}

// ---------------------------------------------------------------------------------------------------

class Comparison {
  readonly findings: Raw[] = [];
  readonly candidates = new Map<string, Candidate>();
  readonly ignored = new Set<string>();

  constructor(readonly contract: DatasetContract) {}

  get policy(): DriftPolicy {
    return this.contract.drift.policy;
  }

  /** One source against the contract. */
  source(src: Source): void {
    const contract = this.contract;
    const cap = (s: DriftSeverity): DriftSeverity => (!src.decides && s === 'breaking' ? 'warn' : s);
    const capHint = src.decides ? '' : ' (the batch\'s files decide the run; this crawl may be stale)';
    const { matched, extra } = matchColumns(contract, src);
    const removed: Raw[] = [];
    contract.columns.forEach((col, i) => {
      const expected = formatContractType(col.type);
      const c = matched.get(i);
      if (!c) {
        removed.push({
          kind: 'column_removed', column: col.name, expected, found: 'missing', source: src.label,
          severity: cap('breaking'),
          message: `column ${col.name}: contract ${expected}, missing from ${where(src.label)}${capHint}`,
          hint: 'the source dropped a column; fix the export or change the contract',
        });
        return;
      }
      const t = tryGlue(c.type);
      if (!t) {
        this.findings.push({
          kind: 'type_breaking', column: col.name, expected, found: c.type, source: src.label, severity: cap('breaking'),
          message: `column ${col.name}: contract ${expected}, found ${c.type} in ${where(src.label)}, which the loader cannot map${capHint}`,
          hint: 'cast it to a supported type in the export',
        });
      } else if (!(src.file && src.text && t.kind === 'string')) {
        const f = typeFinding(classifyCompatibility(t, col.type, { sourceIsText: src.text }));
        if (f) {
          const note =
            f.kind === 'type_narrowed_checked'
              ? ' (values checked: the pass fails if one does not fit)'
              : f.kind === 'type_widened'
                ? ' (every value fits)'
                : capHint;
          this.findings.push({
            ...f, severity: cap(f.severity), column: col.name, expected, found: c.type, source: src.label,
            message: `column ${col.name}: contract ${expected}, found ${c.type} in ${where(src.label)}${note}`,
            hint: f.kind === 'type_breaking' ? 'the source changed type; fix the export or change the contract' : undefined,
          });
        }
      }
      if (!src.text && !col.nullable && c.nullable === true) {
        this.findings.push({
          kind: 'nullability_changed', column: col.name, expected: 'not null', found: 'nullable', source: src.label,
          severity: 'warn',
          message: `column ${col.name}: contract not null, found nullable in ${where(src.label)} (the not_null rule checks the values)`,
        });
      }
    });

    const added = extra.map((c) => ({ col: c, finding: this.added(src, c, cap, capHint) }));
    const byName = new Map(contract.columns.map((c) => [c.name, normalizeContractType(c.type)]));
    const r = detectRename(removed, added, (name) => byName.get(name), tryGlue, (rm, a) =>
      `column ${rm.column}: contract ${rm.expected}, missing from ${where(src.label)}, which has ${a.name.toLowerCase()} ${a.type} instead — likely a rename${capHint}`);
    if (r.rename) this.findings.push(r.rename);
    this.findings.push(...r.removed);
    for (const a of r.added) {
      this.findings.push(a.finding);
      if (src.decides) this.applyPolicy(a.col);
    }
  }

  private added(src: Source, c: SourceColumn, cap: (s: DriftSeverity) => DriftSeverity, capHint: string): Raw {
    const f = this.addedUnderPolicy(src, c);
    if (src.decides) return f;
    return { ...f, severity: cap(f.severity), message: `${f.message}${capHint}`, hint: undefined };
  }

  private addedUnderPolicy(src: Source, c: SourceColumn): Raw {
    const name = c.name.toLowerCase();
    const base = { kind: 'column_added' as const, column: name, found: c.type, source: src.label };
    const what = `column ${name}: not in the contract, found ${c.type} in ${where(src.label)}`;
    const t = tryGlue(c.type);
    switch (this.policy) {
      case 'freeze':
        return {
          ...base, severity: 'breaking', message: `${what}; the drift policy is freeze`,
          hint: 'add the column to the contract, or set the drift policy to evolve or discard',
        };
      case 'discard':
        return { ...base, severity: 'info', message: `${what}; ignored (policy discard)` };
      case 'evolve': {
        if (!t || !contractTypeOfGlue(t)) {
          return {
            ...base, severity: 'breaking', message: `${what}, a type the loader cannot map, so policy evolve cannot add it`,
            hint: 'cast it to a supported type in the export, or add it to the contract',
          };
        }
        if (!/^[a-z_][a-z0-9_]*$/.test(name) || name.length > 127 || name === this.contract.loadTimestampColumn) {
          return {
            ...base, severity: 'breaking',
            message: `${what}, a name policy evolve cannot add (${name === this.contract.loadTimestampColumn ? 'it is the load timestamp column' : 'not a plain Redshift column name'})`,
            hint: 'rename it in the export, or add it to the contract with a sourceName',
          };
        }
        return { ...base, severity: 'info', message: `${what}; added as a nullable column (policy evolve)` };
      }
    }
  }

  private applyPolicy(c: SourceColumn): void {
    const name = c.name.toLowerCase();
    if (this.policy === 'discard') this.ignored.add(name);
    if (this.policy !== 'evolve') return;
    if (this.addedUnderPolicy({ label: '', columns: [], text: false, decides: true, file: false }, c).severity === 'breaking') return;
    const type = canonicalGlueType(c.type);
    const prev = this.candidates.get(name);
    this.candidates.set(name, {
      name,
      type: prev ? widerGlueType(prev.type, type) : type,
      sourceName: prev?.sourceName ?? (c.name !== name ? c.name : undefined),
    });
  }

  /** What changed between two catalog versions. */
  catalogDiff(previous: CatalogTable, latest: CatalogTable): void {
    const label = `catalog v${previous.versionId}→v${latest.versionId}`;
    const was = `catalog v${previous.versionId}`;
    const prev = new Map(previous.columns.map((c) => [c.name.toLowerCase(), c]));
    const next = new Map(latest.columns.map((c) => [c.name.toLowerCase(), c]));
    const removed: Raw[] = [];
    for (const [name, p] of prev) {
      const n = next.get(name);
      if (!n) {
        removed.push({
          kind: 'column_removed', column: name, expected: p.type, found: 'missing', source: label, severity: 'warn',
          message: `column ${name}: ${p.type} in ${was}, gone in v${latest.versionId}`,
        });
        continue;
      }
      if (canonicalGlueType(p.type) !== canonicalGlueType(n.type)) {
        const a = tryGlue(p.type);
        const b = tryGlue(n.type);
        let kind: DriftKind;
        if (!a || !b) kind = 'type_breaking';
        else if (sameType(a, b)) kind = 'type_widened';
        else if (['same', 'widening'].includes(classifyCompatibility(a, b))) kind = 'type_widened';
        else kind = classifyCompatibility(b, a) === 'breaking' ? 'type_breaking' : 'type_narrowed_checked';
        const word = kind === 'type_widened' ? 'widened' : kind === 'type_narrowed_checked' ? 'narrowed' : 'changed';
        this.findings.push({
          kind, column: name, expected: p.type, found: n.type, source: label,
          severity: kind === 'type_widened' ? 'info' : 'warn',
          message: `column ${name}: ${word} from ${p.type} in ${was} to ${n.type} in v${latest.versionId}`,
        });
      }
      if (p.nullable !== undefined && n.nullable !== undefined && p.nullable !== n.nullable) {
        const [from, to] = [p.nullable ? 'nullable' : 'not null', n.nullable ? 'nullable' : 'not null'];
        this.findings.push({
          kind: 'nullability_changed', column: name, expected: from, found: to, source: label, severity: 'warn',
          message: `column ${name}: ${from} in ${was}, ${to} in v${latest.versionId}`,
        });
      }
    }
    const added = [...next.entries()]
      .filter(([name]) => !prev.has(name))
      .map(([name, n]) => ({
        col: { name, type: n.type, nullable: n.nullable },
        finding: {
          kind: 'column_added' as const, column: name, found: n.type, source: label, severity: 'warn' as const,
          message: `column ${name}: new in catalog v${latest.versionId} (${n.type})`,
        },
      }));
    const r = detectRename(removed, added, (name) => tryGlue(prev.get(name)!.type), tryGlue, (rm, a) =>
      `column ${rm.column}: ${rm.expected} in ${was}, gone in v${latest.versionId}, which has ${a.name} ${a.type} instead — likely a rename`);
    if (r.rename) this.findings.push(r.rename);
    this.findings.push(...r.removed, ...r.added.map((a) => a.finding));
  }

  /** The warehouse table against the contract (the contract's values go into it). */
  warehouse(columns: WarehouseColumn[], loaderColumns: string[], evolve: ColumnContract[]): ColumnContract[] {
    const label = 'warehouse';
    const contract = this.contract;
    const skip = new Set(loaderColumns.map((c) => c.toLowerCase()));
    const byName = new Map<string, WarehouseColumn>();
    for (const c of columns) if (!skip.has(c.name.toLowerCase())) byName.set(c.name.toLowerCase(), c);
    const toAdd: ColumnContract[] = [];
    const removed: Raw[] = [];
    for (const col of contract.columns) {
      const expected = formatContractType(col.type);
      const w = byName.get(col.name.toLowerCase());
      if (!w) {
        const evolves = this.policy === 'evolve' && col.nullable;
        if (evolves) toAdd.push({ name: col.name, type: col.type, nullable: true, ...(col.encoding ? { encoding: col.encoding } : {}) });
        removed.push({
          kind: 'column_removed', column: col.name, expected, found: 'missing', source: label,
          severity: evolves ? 'warn' : 'breaking',
          message: `column ${col.name}: contract ${expected}, missing from the warehouse table${evolves ? '; added (policy evolve)' : ''}`,
          hint: evolves ? undefined : `add it: ALTER TABLE … ADD COLUMN ${col.name} ${expected}`,
        });
        continue;
      }
      byName.delete(col.name.toLowerCase());
      this.warehouseColumn(col.name, expected, normalizeContractType(col.type), col.nullable, w);
    }
    const evolveByName = new Map(evolve.map((c) => [c.name, c]));

    const added: Array<{ col: SourceColumn; finding: Raw }> = [];
    for (const [name, w] of byName) {
      const ev = evolveByName.get(name);
      if (ev) {
        this.evolvedColumn(ev, w);
        continue;
      }
      added.push({
        col: { name, type: w.type, nullable: w.nullable },
        finding: w.nullable
          ? {
              kind: 'column_added', column: name, found: w.type, source: label, severity: 'info',
              message: `column ${name}: not in the contract, found ${w.type} in the warehouse table (nullable: the loader leaves it NULL)`,
            }
          : {
              kind: 'column_added', column: name, found: w.type, source: label, severity: 'breaking',
              message: `column ${name}: not in the contract, found ${w.type} NOT NULL in the warehouse table`,
              hint: `the load cannot fill it; drop it, make it nullable, or add it to the contract`,
            },
      });
    }
    const contractTypes = new Map(contract.columns.map((c) => [c.name, normalizeContractType(c.type)]));
    const r = detectRename(removed, added, (name) => contractTypes.get(name), tryWarehouse, (rm, a) =>
      `column ${rm.column}: contract ${rm.expected}, missing from the warehouse table, which has ${a.name} ${a.type} instead — likely a rename`);
    if (r.rename) {
      r.rename.hint = r.rename.severity === 'breaking'
        ? `if so, rename it back: ALTER TABLE … RENAME COLUMN ${r.rename.renamedTo} TO ${r.rename.column}`
        : undefined;
      this.findings.push(r.rename);
      // a rename under evolve: the contract column is added, the renamed one stays
    }
    this.findings.push(...r.removed, ...r.added.map((a) => a.finding));
    return toAdd;
  }

  /** A new source column (policy evolve) that an earlier evolve already added to the warehouse table. */
  private evolvedColumn(ev: ColumnContract, w: WarehouseColumn): void {
    const label = 'warehouse';
    const source = this.candidates.get(ev.name)!.type;
    const wt = tryWarehouse(w.type);
    const own = wt && contractTypeOfGlue(wt, 1);
    if (!wt || !own) {
      this.findings.push({
        kind: 'type_breaking', column: ev.name, expected: w.type, found: source, source: label, severity: 'breaking',
        message: `column ${ev.name}: new in the batch as ${source}, the warehouse table has it as ${w.type}, a type the loader cannot map`,
        hint: 'fix the warehouse column, or add the column to the contract',
      });
      return;
    }
    ev.type = own; // load into the table's own type: the pass checks values against it
    const shown = formatWarehouseType(wt);
    const f = typeFinding(classifyCompatibility(parseGlueType(source), wt));
    if (f) {
      this.findings.push({
        ...f, column: ev.name, expected: shown, found: source, source: label,
        message: `column ${ev.name}: new in the batch as ${source}, the warehouse table has it as ${shown} (added by an earlier evolve)`,
        hint: f.kind === 'type_breaking' ? 'the source changed type since the column was added; fix the export, or add the column to the contract with the right type' : undefined,
      });
    }
    if (!w.nullable) {
      this.findings.push({
        kind: 'nullability_changed', column: ev.name, expected: 'nullable', found: 'not null', source: label, severity: 'breaking',
        message: `column ${ev.name}: new in the batch (nullable under policy evolve), found NOT NULL in the warehouse table`,
        hint: 'a NULL would fail the COPY; make the column nullable, or add it to the contract',
      });
    }
  }

  private warehouseColumn(
    name: string,
    expected: string,
    want: NormalizedType,
    nullable: boolean,
    w: WarehouseColumn,
  ): void {
    const what = 'contract';
    const label = 'warehouse';
    const t = tryWarehouse(w.type);
    const cls = t ? classifyCompatibility(want, t) : 'breaking';
    const shown = t ? formatWarehouseType(t) : w.type;
    if (cls === 'widening') {
      this.findings.push({
        kind: 'type_widened', column: name, expected, found: shown, source: label, severity: 'info',
        message: `column ${name}: ${what} ${expected}, found ${shown} in the warehouse table (wider: every value fits)`,
      });
    } else if (cls !== 'same') {
      const narrower = cls === 'narrowing-checked';
      this.findings.push({
        kind: 'type_breaking', column: name, expected, found: shown, source: label, severity: 'breaking',
        message: `column ${name}: ${what} ${expected}, found ${shown} in the warehouse table` +
          (t ? (narrower ? ', narrower than the contract' : '') : ', a type the loader cannot map'),
        hint: narrower
          ? `values are checked against the contract, not the table, so the COPY could fail after the whole batch was processed; widen the column (ALTER TABLE … ALTER COLUMN ${name} TYPE …) or change the contract`
          : 'the warehouse table changed type; fix the table or change the contract',
      });
    }
    if (!w.nullable && nullable) {
      this.findings.push({
        kind: 'nullability_changed', column: name, expected: 'nullable', found: 'not null', source: label, severity: 'breaking',
        message: `column ${name}: ${what} nullable, found NOT NULL in the warehouse table`,
        hint: `a NULL would fail the COPY; ALTER TABLE … ALTER COLUMN ${name} DROP NOT NULL is not supported by Redshift: recreate the table, or make the contract not null`,
      });
    } else if (w.nullable && !nullable) {
      this.findings.push({
        kind: 'nullability_changed', column: name, expected: 'not null', found: 'nullable', source: label, severity: 'info',
        message: `column ${name}: contract not null, found nullable in the warehouse table (the not_null rule checks the values)`,
      });
    }
  }
}

/** Notes on a stale catalog and on files that disagree with one another. */
function staleness(latest: CatalogTable | undefined, files: FileSchema[]): { notes: string[]; stale: boolean } {
  const notes: string[] = [];
  let stale = false;
  if (files.length > 1) {
    const types = new Map<string, Map<string, number>>();
    for (const f of files) {
      if (f.format === 'csv') continue;
      for (const c of f.columns) {
        const name = c.name.toLowerCase();
        const m = types.get(name) ?? new Map<string, number>();
        const t = canonicalGlueType(c.type);
        m.set(t, (m.get(t) ?? 0) + 1);
        types.set(name, m);
      }
    }
    for (const [name, m] of types) {
      if (m.size > 1) {
        const parts = [...m.entries()].map(([t, n]) => `${t} (${n} file${n === 1 ? '' : 's'})`);
        notes.push(`the batch's files disagree on column ${name}: ${parts.join(', ')}`);
      }
    }
  }
  if (latest && files.length) {
    // the table a crawl of this batch would write, against the catalog's latest version
    const v = `catalog v${latest.versionId}`;
    const crawled = inferCatalogTable({ database: latest.database, table: latest.name, location: latest.location, schemas: files });
    const cat = new Map(latest.columns.map((c) => [c.name.toLowerCase(), canonicalGlueType(c.type)]));
    const now = new Map(crawled.columns.map((c) => [c.name, c.type]));
    const problems: string[] = [];
    for (const [name, type] of now) {
      const ct = cat.get(name);
      if (ct === undefined) problems.push(`the files have ${name} (${type}), which ${v} lacks`);
      else if (ct !== type) problems.push(`${v} records ${name} as ${ct}, the files have ${type}`);
    }
    for (const name of cat.keys()) if (!now.has(name)) problems.push(`${v} has ${name}, which no file of the batch has`);
    if (problems.length) {
      stale = true;
      const shown = problems.slice(0, 5).join('; ');
      const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
      notes.push(`${v} does not describe this batch (${shown}${more}): the files were compared directly; re-run the crawler`);
    }
  }
  return { notes, stale };
}

function group(raw: Raw[]): DriftFinding[] {
  const out = new Map<string, DriftFinding>();
  for (const r of raw) {
    const key = JSON.stringify([r.kind, r.column, r.expected, r.found, r.severity, r.renamedTo, r.source.startsWith('file ') ? 'file' : r.source]);
    const g = out.get(key);
    if (g) {
      if (!g.sources.includes(r.source)) g.sources.push(r.source);
      continue;
    }
    out.set(key, { ...r, sources: [r.source] });
  }
  const findings = [...out.values()];
  for (const f of findings) {
    if (f.sources.length > 1) f.message += ` (and ${f.sources.length - 1} more file${f.sources.length === 2 ? '' : 's'})`;
    if (f.hint === undefined) delete f.hint;
    if (f.renamedTo === undefined) delete f.renamedTo;
  }
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

/** Compares the contract with the catalog, the batch's files and the warehouse (see the module comment). */
export function compareSchemas(input: DriftInput): DriftReport {
  const { contract } = input;
  const files = input.files ?? [];
  const cmp = new Comparison(contract);

  for (const f of files) {
    cmp.source({ label: `file ${f.file}`, columns: f.columns, text: f.format === 'csv', decides: true, file: true });
  }
  const latest = input.catalog?.latest;
  const previous = input.catalog?.previous;
  if (latest) {
    cmp.source({
      label: `catalog v${latest.versionId}`,
      columns: latest.columns,
      text: latest.classification === 'csv' || latest.classification === 'mixed',
      decides: files.length === 0,
      file: false,
    });
    if (previous) cmp.catalogDiff(previous, latest);
  }

  const evolve: ColumnContract[] = [...cmp.candidates.values()].map((c) => ({
    name: c.name,
    type: contractTypeOfGlue(parseGlueType(c.type)) as RedshiftType,
    nullable: true,
    ...(c.sourceName ? { sourceName: c.sourceName } : {}),
  }));
  let addColumns: ColumnContract[] = evolve;
  if (input.warehouse) {
    const loader = input.loaderColumns ?? [contract.loadTimestampColumn];
    const missing = cmp.warehouse(input.warehouse, loader, evolve);
    const present = new Set(input.warehouse.map((w) => w.name.toLowerCase()));
    addColumns = [...missing, ...evolve.filter((c) => !present.has(c.name))];
  }

  const { notes, stale } = staleness(latest, files);
  const findings = group(cmp.findings);
  const count = (s: DriftSeverity) => findings.filter((f) => f.severity === s).length;
  const summary = { breaking: count('breaking'), warn: count('warn'), info: count('info') };
  return {
    dataset: contract.name,
    generatedAt: (input.now ?? new Date()).toISOString(),
    policy: contract.drift.policy,
    decision: summary.breaking > 0 ? 'block' : 'proceed',
    inputs: {
      contract: { columns: contract.columns.length },
      ...(latest
        ? {
            catalog: {
              database: latest.database,
              table: latest.name,
              location: latest.location,
              classification: latest.classification,
              latestVersion: latest.versionId,
              ...(previous ? { previousVersion: previous.versionId } : {}),
              columns: latest.columns.length,
              ...(files.length ? { stale } : {}),
            },
          }
        : {}),
      files: files.map((f) => ({
        file: f.file, format: f.format, columns: f.columns.length, ...(f.rowCount !== undefined ? { rowCount: f.rowCount } : {}),
      })),
      ...(input.warehouse ? { warehouse: { columns: input.warehouse.length } } : {}),
    },
    summary,
    findings,
    evolve,
    addColumns,
    ignored: [...cmp.ignored],
    notes,
  };
}

/** The catalog input from a table's versions, newest first (Catalog.getTableVersions). */
export function catalogInput(versions: CatalogTable[]): DriftInput['catalog'] {
  return versions.length ? { latest: versions[0], ...(versions[1] ? { previous: versions[1] } : {}) } : undefined;
}

/**
 * The one line a blocked run stops with (exit 3): the first breaking finding — its column, both types,
 * the source — and how many more there are. Throws a RangeError for a report that blocks nothing.
 */
export function driftErrorFrom(report: DriftReport): DriftError {
  const breaking = report.findings.filter((f) => f.severity === 'breaking');
  if (breaking.length === 0) throw new RangeError(`the drift report for ${report.dataset} has no breaking finding`);
  const first = breaking[0];
  const more = breaking.length > 1 ? ` (and ${breaking.length - 1} more breaking finding${breaking.length === 2 ? '' : 's'}: see the drift report)` : '';
  return new DriftError(`${first.message}${more}`, {}, first.hint);
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The report as Markdown: verdict, inputs, findings table, evolve/discard outcome, notes. */
export function renderDriftMarkdown(report: DriftReport): string {
  const lines: string[] = [];
  const { inputs, summary } = report;
  lines.push(`# Drift report: ${report.dataset}`, '');
  lines.push(`- Decision: **${report.decision === 'block' ? 'BLOCK' : 'proceed'}** (${summary.breaking} breaking, ${summary.warn} warn, ${summary.info} info)`);
  lines.push(`- Policy: ${report.policy}`);
  lines.push(`- Generated: ${report.generatedAt}`);
  const compared = [`contract (${inputs.contract.columns} columns)`];
  if (inputs.catalog) {
    const c = inputs.catalog;
    compared.push(
      `catalog ${c.database}.${c.table} v${c.latestVersion}${c.previousVersion ? ` (previous v${c.previousVersion})` : ''}` +
        `${c.stale ? ', stale' : ''}`,
    );
  }
  if (inputs.files.length) compared.push(`${inputs.files.length} file${inputs.files.length === 1 ? '' : 's'} of the batch`);
  else compared.push('no batch');
  if (inputs.warehouse) compared.push(`warehouse table (${inputs.warehouse.columns} columns)`);
  else compared.push('no warehouse table yet');
  lines.push(`- Compared: ${compared.join('; ')}`, '');

  lines.push('## Findings', '');
  if (report.findings.length === 0) {
    lines.push('No differences.', '');
  } else {
    lines.push('| severity | kind | column | expected | found | source |', '|---|---|---|---|---|---|');
    for (const f of report.findings) {
      const src = f.sources.length > 1 ? `${f.source} (+${f.sources.length - 1} more)` : f.source;
      const found = f.renamedTo ? `${f.renamedTo} ${f.found ?? ''}`.trim() : f.found;
      lines.push(`| ${f.severity} | ${f.kind} | ${cell(f.column)} | ${cell(f.expected)} | ${cell(found)} | ${cell(src)} |`);
    }
    lines.push('');
    for (const f of report.findings.filter((x) => x.severity !== 'info')) {
      lines.push(`- **${f.severity}**: ${f.message}${f.hint ? ` — ${f.hint}` : ''}`);
    }
    lines.push('');
  }
  if (report.evolve.length || report.addColumns.length) {
    lines.push('## Columns added (policy evolve)', '');
    for (const c of report.addColumns) lines.push(`- add \`${c.name}\` ${formatContractType(c.type)} NULL to the warehouse tables`);
    const loaded = report.evolve.filter((c) => !report.addColumns.includes(c));
    for (const c of loaded) lines.push(`- load \`${c.name}\` ${formatContractType(c.type)} (already in the warehouse)`);
    lines.push('');
  }
  if (report.ignored.length) {
    lines.push('## Columns ignored (policy discard)', '', ...report.ignored.map((c) => `- \`${c}\``), '');
  }
  if (report.notes.length) {
    lines.push('## Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  }
  if (inputs.files.length) {
    lines.push('## Files', '', '| file | format | columns | rows |', '|---|---|---|---|');
    for (const f of inputs.files) lines.push(`| ${cell(f.file)} | ${f.format} | ${f.columns} | ${f.rowCount ?? ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The report as JSON: the report object itself, pretty-printed. */
export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
