import { renderDdl } from '../../sql/ddl.ts';
import { toPostgres } from '../../sql/local.ts';
import type { Command } from './command.ts';
import { contractsFor } from './all-datasets.ts';

export const ddl: Command = {
  summary: "print the dataset's Redshift DDL (schema, stage, history and audit tables)",
  usage: 'redshift-loader ddl --dataset NAME|all [--contracts DIR|s3://…] [--local]',
  options: { dataset: { type: 'string' }, contracts: { type: 'string' }, local: { type: 'boolean' } },
  async run({ values, print }) {
    // `all`: every contract's tables in load order; the schema and audit table once (the first time).
    const contracts = await contractsFor(values.dataset, values.contracts);
    const statements = [...new Set(contracts.flatMap(renderDdl))].map((s) => (values.local ? toPostgres(s) : s));
    print(`${statements.join(';\n\n')};\n`);
    return 0;
  },
};
