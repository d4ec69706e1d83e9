/**
 * `contract infer`: a contract drafted from a batch folder's files (see scan.ts, draft.ts and the type
 * rules in parquet-types.ts and text-values.ts), checked by the same checker as every contract file
 * before anyone sees it.
 */
import { ConfigError } from '../../core/errors.ts';
import { contractSchema, datasetNameOfFile, type DatasetContract } from '../../datasets/index.ts';
import type { JsonSchema } from '../../datasets/schema-check.ts';
import { contractFromText } from '../contracts.ts';
import type { Logger } from '../log.ts';
import type { ObjectStore } from '../store/index.ts';
import { draftContract } from './draft.ts';
import { scanBatch, type BatchScan } from './scan.ts';
import type { TextFlags } from './text-options.ts';

export { checkTarget, writeNewFile } from './write-new-file.ts';
export type { TextFlags } from './text-options.ts';

export interface InferRequest {
  store: ObjectStore;
  source: string;
  name: string;
  schema: string;
  key?: string[];
  text: TextFlags;
  /** How the checker names the file (its base name must be `<name>.json`). */
  file: string;
  log: Logger;
}

export interface Inferred {
  contract: DatasetContract;
  /** The contract file's text: what is printed or written. */
  text: string;
  scan: BatchScan;
}

function pattern(s: JsonSchema): RegExp {
  return new RegExp(s.pattern as string, 'u');
}

/** Refuses a dataset name, schema or --out the checker would refuse, before the scan. */
export function checkNames(name: string, schema: string, file: string): void {
  const s = contractSchema();
  const props = s.properties as Record<string, JsonSchema>;
  const identifier = (s.$defs as Record<string, JsonSchema>).identifier;
  if (!pattern(props.name).test(name) || !pattern(identifier).test(`${name}_stage`)) {
    throw new ConfigError(`--dataset ${JSON.stringify(name)} is not a dataset name`, {}, `a dataset name matches ${props.name.pattern as string} (at most 121 characters), e.g. orders_ext`);
  }
  if (!pattern(identifier).test(schema)) throw new ConfigError(`--schema ${JSON.stringify(schema)} is not a lower-case SQL identifier`, {}, `it must match ${identifier.pattern as string}`);
  if (datasetNameOfFile(file) !== name) {
    throw new ConfigError(`--out ${file} does not match --dataset ${name}: a contract file is named <dataset>.json`, { file }, `write it to ${name}.json in your contracts folder`);
  }
}

/** The contract as a file: one line per field, one line per column and per rule (as datasets/*.json). */
export function contractText(contract: DatasetContract): string {
  const lines = Object.entries({ $schema: './contract.schema.json', ...contract }).map(([k, v]) => {
    const value = Array.isArray(v) && v.some((x) => typeof x === 'object')
      ? `[\n${v.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`
      : JSON.stringify(v);
    return `  ${JSON.stringify(k)}: ${value}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Scans the batch and drafts its contract; the draft passes the contract checker or nothing is returned. */
export async function inferContract(req: InferRequest): Promise<Inferred> {
  checkNames(req.name, req.schema, req.file);
  const scan = await scanBatch({ store: req.store, source: req.source, key: req.key, text: req.text, log: req.log });
  const contract = draftContract(scan, { name: req.name, schema: req.schema });
  const text = contractText(contract);
  contractFromText(text, req.file);
  return { contract, text, scan };
}
