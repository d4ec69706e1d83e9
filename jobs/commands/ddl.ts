import { renderDdl } from '../../sql/ddl.ts';
import { toPostgres } from '../../sql/local.ts';
import { contractFor, type Command } from './command.ts';

export const ddl: Command = {
  summary: "print the dataset's Redshift DDL (schema, stage, history and audit tables)",
  usage: 'redshift-loader ddl --dataset NAME [--contracts DIR|s3://…] [--local]',
  options: { dataset: { type: 'string' }, contracts: { type: 'string' }, local: { type: 'boolean' } },
  async run({ values, print }) {
    const contract = await contractFor(values.dataset, values.contracts);
    const statements = renderDdl(contract).map((s) => (values.local ? toPostgres(s) : s));
    print(`${statements.join(';\n\n')};\n`);
    return 0;
  },
};
