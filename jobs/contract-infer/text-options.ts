/**
 * How `contract infer` reads text files (.csv, .tbl, .txt, .psv, optionally .gz): defaults by the
 * files' names, each overridden by its flag. The result goes into the drafted contract's
 * `source.delimited`, so the nightly run reads the files exactly as the scan did.
 *
 * | | every file .tbl (dbgen) | every file .psv | otherwise (.csv, .txt, a mix) |
 * |---|---|---|---|
 * | `--delimiter C` | `\|` | `\|` | `,` |
 * | `--header` / `--no-header` | no header | header | header |
 * | `--quote C` / `--quote none` | none | `"` | `"` |
 * | `--null-marker TEXT` | `` (an unquoted empty field) | `` | `` |
 * | `--trailing-delimiter` / `--no-trailing-delimiter` | yes | no | no |
 *
 * `--delimiter` takes one character, or `tab` / `\t`. Without a header the columns are named c1..cn,
 * or by `--columns a,b,c`. A quoted empty field is an empty string, never NULL.
 */
import { ConfigError } from '../../core/errors.ts';
import type { DelimitedSourceOptions } from '../../datasets/contract.ts';

export interface TextFlags {
  delimiter?: string;
  header?: boolean;
  noHeader?: boolean;
  quote?: string;
  nullMarker?: string;
  trailingDelimiter?: boolean;
  noTrailingDelimiter?: boolean;
  columns?: string;
}

const TBL: DelimitedSourceOptions = { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: true };
const PSV: DelimitedSourceOptions = { delimiter: '|', header: true, quote: '"', nullMarker: '', trailingDelimiter: false };
const CSV: DelimitedSourceOptions = { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false };

const textExtension = (uri: string): string => /\.([a-z0-9]+)(?:\.gz)?$/i.exec(uri)?.[1]?.toLowerCase() ?? '';

/** The defaults for these files (see the module comment). */
export function defaultTextOptions(uris: string[]): DelimitedSourceOptions {
  const exts = new Set(uris.map(textExtension));
  if (exts.size === 1 && exts.has('tbl')) return { ...TBL };
  if (exts.size === 1 && exts.has('psv')) return { ...PSV };
  return { ...CSV };
}

function oneChar(flag: string, v: string): string {
  const c = v === 'tab' || v === '\\t' ? '\t' : v;
  if ([...c].length !== 1 || c === '\n' || c === '\r') {
    throw new ConfigError(`--${flag} must be one character (or tab), got ${JSON.stringify(v)}`, {}, `e.g. --${flag} '|'`);
  }
  return c;
}

function pair(yes: boolean | undefined, no: boolean | undefined, flag: string): boolean | undefined {
  if (yes && no) throw new ConfigError(`--${flag} and --no-${flag} contradict each other`, {}, 'give one of them');
  return yes ? true : no ? false : undefined;
}

/** The defaults for `uris`, each overridden by its flag; checks the combination. */
export function textOptions(uris: string[], f: TextFlags): { options: DelimitedSourceOptions; columns?: string[] } {
  const o = defaultTextOptions(uris);
  if (f.delimiter !== undefined) o.delimiter = oneChar('delimiter', f.delimiter);
  o.header = pair(f.header, f.noHeader, 'header') ?? o.header;
  if (f.quote !== undefined) o.quote = f.quote === 'none' ? null : oneChar('quote', f.quote);
  if (f.nullMarker !== undefined) o.nullMarker = f.nullMarker;
  o.trailingDelimiter = pair(f.trailingDelimiter, f.noTrailingDelimiter, 'trailing-delimiter') ?? o.trailingDelimiter;
  if (o.quote !== null && o.quote === o.delimiter) {
    throw new ConfigError(`--quote and --delimiter are both ${JSON.stringify(o.quote)}`, {}, 'give them different characters (or --quote none)');
  }
  if (f.columns === undefined) return { options: o };
  if (o.header) throw new ConfigError('--columns names the columns of files without a header, but these are read with one', {}, 'add --no-header, or drop --columns to take the names from the header');
  const columns = f.columns.split(',').map((c) => c.trim());
  if (columns.some((c) => c === '')) throw new ConfigError(`--columns has an empty name: ${JSON.stringify(f.columns)}`, {}, 'e.g. --columns id,name,price');
  return { options: o, columns };
}
