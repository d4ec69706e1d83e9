import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.ts';
import { contractFromText } from '../contracts.ts';
import { checkTarget, inferContract, writeNewFile } from '../contract-infer/index.ts';
import { storeFor } from '../store/index.ts';
import { str, type Command, type CommandContext } from './command.ts';

const CHECK_USAGE = 'redshift-loader contract check FILE';
const INFER_USAGE = 'redshift-loader contract infer --dataset NAME --source DIR|s3://… [--key C1,C2] [--schema S] [--out FILE [--force]]'
  + " [--delimiter C] [--header|--no-header] [--quote C|none] [--null-marker TEXT] [--trailing-delimiter|--no-trailing-delimiter] [--columns A,B,C]";
const USAGE = `${CHECK_USAGE}  |  ${INFER_USAGE}`;

const INFER_OPTIONS = {
  dataset: { type: 'string' },
  source: { type: 'string' },
  key: { type: 'string' },
  schema: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  delimiter: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  quote: { type: 'string' },
  'null-marker': { type: 'string' },
  'trailing-delimiter': { type: 'boolean' },
  'no-trailing-delimiter': { type: 'boolean' },
  columns: { type: 'string' },
} as const;

/**
 * `contract check FILE`: checks one contract file as a run would read it (JSON, the schema, the names it
 * refers to). Exit 0 with a one-line summary, or exit 2 with one line naming the file and the JSON path.
 */
async function check({ values, positionals, json, print }: CommandContext): Promise<number> {
  const [, file, ...extra] = positionals ?? [];
  if (file === undefined || extra.length > 0) throw new ConfigError('contract check takes exactly one FILE', {}, `usage: ${CHECK_USAGE}`);
  const given = Object.keys(INFER_OPTIONS).filter((k) => values[k] !== undefined);
  if (given.length) throw new ConfigError(`contract check takes no --${given[0]}`, {}, `usage: ${CHECK_USAGE}`);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ConfigError(`${file}: cannot be read (${e.code ?? e.message})`, {}, 'name a contract file (<dataset>.json)');
  });
  const c = contractFromText(text, file);
  const summary = {
    name: c.name,
    columns: c.columns.length,
    key: c.key,
    tables: [c.stageTable, c.historyTable, c.auditTable].map((t) => `${c.schema}.${t}`),
  };
  print(json
    ? JSON.stringify({ ok: true, file, ...summary })
    : `${file}: ok — dataset ${c.name}, ${summary.columns} column(s), key (${c.key.join(', ')}), writes ${summary.tables.join(', ')}`);
  return 0;
}

/**
 * `contract infer`: drafts a contract from a batch folder's files (jobs/contract-infer/), checked like
 * every contract file; prints it on stdout, or with --out writes it atomically (never over an existing
 * file without --force). The summary line (files, rows scanned, key) goes to stderr.
 */
async function infer({ values, positionals, log, json, print }: CommandContext): Promise<number> {
  if ((positionals ?? []).length > 1) throw new ConfigError(`contract infer takes no FILE (got ${positionals![1]})`, {}, `usage: ${INFER_USAGE}`);
  const name = str(values.dataset);
  const source = str(values.source);
  if (!name) throw new ConfigError('contract infer needs --dataset NAME (the new dataset\'s name)', {}, `usage: ${INFER_USAGE}`);
  if (!source) throw new ConfigError('contract infer needs --source (the batch folder to draft the contract from)', {}, `usage: ${INFER_USAGE}`);
  const out = str(values.out);
  const force = values.force === true;
  if (force && out === undefined) throw new ConfigError('--force replaces the file --out names, but there is no --out', {}, `usage: ${INFER_USAGE}`);
  if (out?.startsWith('s3://')) throw new ConfigError('--out writes a local file', {}, 'write it locally, then upload it (aws s3 cp) to your contracts prefix');
  if (out !== undefined) await checkTarget(out, force);
  const key = str(values.key)?.split(',').map((k) => k.trim());
  if (key?.some((k) => k === '')) throw new ConfigError(`--key has an empty column name: ${JSON.stringify(values.key)}`, {}, 'e.g. --key o_orderkey or --key l_orderkey,l_linenumber');
  const { contract, text, scan } = await inferContract({
    store: await storeFor(source),
    source,
    name,
    schema: str(values.schema) ?? 'assignment',
    key,
    file: out ?? `${name}.json`,
    log,
    text: {
      delimiter: str(values.delimiter),
      header: values.header === true ? true : undefined,
      noHeader: values['no-header'] === true ? true : undefined,
      quote: str(values.quote),
      nullMarker: str(values['null-marker']),
      trailingDelimiter: values['trailing-delimiter'] === true ? true : undefined,
      noTrailingDelimiter: values['no-trailing-delimiter'] === true ? true : undefined,
      columns: str(values.columns),
    },
  });
  if (out !== undefined) await writeNewFile(out, text, force);
  const keyNote = scan.keyVerdict.status === 'unique'
    ? `no key value repeats in ${scan.rows} row(s)`
    : `repeats checked in the first ${scan.keyVerdict.checkedRows} row(s) only (the run checks every row)`;
  const line = `inferred dataset ${contract.name}: ${contract.columns.length} column(s) from ${scan.files.length} ${scan.format === 'parquet' ? 'Parquet' : 'text'} file(s), ${scan.rows} row(s) scanned; `
    + `key (${contract.key.join(', ')})${scan.keyGiven ? '' : ' (the first column: pass --key to choose)'}, ${keyNote}`
    + (out !== undefined ? ` — wrote ${out}` : '');
  if (out === undefined) print(text);
  else if (json) print(JSON.stringify({ ok: true, file: out, name: contract.name, files: scan.files, rows: scan.rows, columns: contract.columns.length, key: contract.key, keyCheck: scan.keyVerdict.status }));
  log.info(line);
  return 0;
}

/** `contract check FILE` and `contract infer …`. */
export const contract: Command = {
  summary: 'check a contract file (contract check FILE), or draft one from a batch folder (contract infer --dataset NAME --source DIR)',
  usage: USAGE,
  options: INFER_OPTIONS,
  positionals: true,
  async run(ctx) {
    const action = ctx.positionals?.[0];
    if (action === 'check') return check(ctx);
    if (action === 'infer') return infer(ctx);
    throw new ConfigError(`unknown contract action "${action ?? ''}"`, {}, `usage: ${USAGE}`);
  },
};
