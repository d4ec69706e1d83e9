import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.ts';
import { contractFromText } from '../contracts.ts';
import type { Command } from './command.ts';

const USAGE = 'redshift-loader contract check FILE';

/**
 * `contract check FILE`: checks one contract file as a run would read it (JSON, the schema, the names it
 * refers to). Exit 0 with a one-line summary, or exit 2 with one line naming the file and the JSON path.
 */
export const contract: Command = {
  summary: 'check a contract file (contract check FILE)',
  usage: USAGE,
  options: {},
  positionals: true,
  async run(ctx) {
    const [action, file, ...extra] = ctx.positionals ?? [];
    if (action !== 'check' || file === undefined || extra.length > 0) {
      throw new ConfigError(action === 'check' ? 'contract check takes exactly one FILE' : `unknown contract action "${action ?? ''}"`, {}, `usage: ${USAGE}`);
    }
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
    ctx.print(ctx.json
      ? JSON.stringify({ ok: true, file, ...summary })
      : `${file}: ok — dataset ${c.name}, ${summary.columns} column(s), key (${c.key.join(', ')}), writes ${summary.tables.join(', ')}`);
    return 0;
  },
};
