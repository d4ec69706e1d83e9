import { applySetup } from '../../sql/setup.ts';
import { openWarehouse } from '../warehouse/index.ts';
import { jobEnv } from '../../core/env.ts';
import { LOCAL_DEFAULTS } from '../locations.ts';
import { str, type Command } from './command.ts';
import { contractsFor } from './all-datasets.ts';

export const setup: Command = {
  summary: "create the dataset's schema, tables, audit table and ETL user with its grants (idempotent; once per environment)",
  usage: 'redshift-loader setup --dataset NAME|all [--contracts DIR|s3://…] [--warehouse URI] [--etl-user NAME]',
  options: { dataset: { type: 'string' }, contracts: { type: 'string' }, warehouse: { type: 'string' }, 'etl-user': { type: 'string' } },
  async run({ values, log, json, print }) {
    const contracts = await contractsFor(values.dataset, values.contracts);
    const uri = str(values.warehouse) ?? jobEnv('RL_WAREHOUSE') ?? LOCAL_DEFAULTS.warehouse;
    const etlUser = str(values['etl-user']) ?? 'etl_loader';
    const wh = await openWarehouse(uri);
    try {
      // `all`: each contract in load order, one line each (the ETL user is created by the first).
      for (const contract of contracts) {
        const { userCreated, auditColumnsAdded } = await applySetup(wh, contract, { etlUser });
        const migrated = auditColumnsAdded.length ? `; audit table migrated (added ${auditColumnsAdded.join(', ')})` : '';
        const line = `set up ${contract.schema}.${contract.stageTable}, ${contract.schema}.${contract.historyTable} and ${contract.schema}.${contract.auditTable} on ${wh.name}; ETL user ${etlUser} ${userCreated ? 'created' : 'already existed'}, grants applied${migrated}`;
        if (json) print(JSON.stringify({ status: 'ok', message: line, userCreated, auditColumnsAdded, dataset: contract.name }));
        else log.info(line);
      }
    } finally {
      await wh.close();
    }
    return 0;
  },
};
