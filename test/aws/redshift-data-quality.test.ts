/**
 * --quality-in warehouse through the Redshift Data API adapter: the rules' SQL as the adapter sends it
 * (aws-sdk-client-mock on the RedshiftDataClient class, test/aws/data-api-on-postgres.ts), EXECUTED on a
 * real PostgreSQL database. Shows, for the stage filled with each quality fixture:
 * - every statement is a plain SELECT sent by ExecuteStatement (no transaction, nothing written), at most
 *   1 + key rules + failed rules of them, and each is already the same text PostgreSQL runs
 *   (toLocalDialect changes nothing: no translation);
 * - the report through the Data API (results paged, every figure as text) equals the report of the same
 *   checks on PostgreSQL directly, with the verdicts the fixture is built to give.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import type { DatasetContract } from '../../datasets/index.ts';
import { WarehouseChecks, type QualityReport } from '../../data-quality/index.ts';
import { RedshiftDataWarehouse } from '../../jobs/warehouse/redshift-data.ts';
import { S3Store } from '../../jobs/store/s3-store.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { toLocalDialect } from '../../sql/local.ts';
import { freshDatabase, requirePostgres } from '../support/services.ts';
import { QUALITY_FIXTURES, QW_CONTRACT } from '../support/quality-fixtures.ts';
import { DataApiOnPostgres } from './data-api-on-postgres.ts';
import { motoOptions, TEST_CREDENTIALS } from './moto.ts';

const contract = QW_CONTRACT as unknown as DatasetContract;
const CLUSTER = 'quality-cluster';
const DATABASE = 'dev';
const MASTER = 'awsuser';

/** Which rules each fixture fails (error) or warns on. */
const EXPECTED: Record<string, { fail: string[]; warn: string[] }> = {
  'good': { fail: [], warn: [] },
  'range (integer, and a warning on a decimal)': { fail: ['range:n'], warn: ['range:amount'] },
  'range (date)': { fail: ['range:d'], warn: [] },
  'allowed_values': { fail: ['allowed_values:status'], warn: [] },
  'pattern': { fail: ['pattern:code'], warn: [] },
  'not_null': { fail: ['not_null:note'], warn: [] },
  'key repeats': { fail: ['unique:k'], warn: [] },
  'freshness (a file with no rows)': { fail: ['freshness'], warn: [] },
  'row_count_change (a warning: published)': { fail: [], warn: [] },
};

function literal(v: string | number | null): string {
  if (v === null) return 'NULL';
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}

describe('quality in the warehouse through the Redshift Data API, on PostgreSQL', () => {
  let skip = false;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let api: DataApiOnPostgres | undefined;
  let direct: pg.Client | undefined;

  before(async (t) => {
    if (!(await requirePostgres(t as never))) {
      skip = true;
      return;
    }
    db = await freshDatabase('rl_dq_api');
    api = await DataApiOnPostgres.start({
      databaseUrl: db.url,
      s3: new S3Store({ clientOptions: motoOptions() }),
      clusterIdentifier: CLUSTER,
      database: DATABASE,
      masterUser: MASTER,
      copyRoles: [],
      pageRows: 2,
    });
    direct = new pg.Client({ connectionString: db.url });
    await direct.connect();
    for (const stmt of renderDdl(contract)) await direct.query(toLocalDialect(stmt));
  });

  after(async () => {
    await direct?.end();
    await api?.stop();
    await db?.drop();
  });

  for (const f of QUALITY_FIXTURES) {
    it(`${f.name}: the SQL the adapter sends runs unchanged and judges as on PostgreSQL`, async (t) => {
      if (skip) return t.skip('no PostgreSQL');
      await direct!.query('DELETE FROM qw.qw_stage');
      if (f.rows.length) await direct!.query(`INSERT INTO qw.qw_stage VALUES ${f.rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`);
      const facts = { previousRowCount: 6, batchFolder: 'landing/qw', files: 1 };

      const mark = api!.sent.length;
      const wh = new RedshiftDataWarehouse(`redshift-data:cluster/${CLUSTER}/${DATABASE}?user=${MASTER}`, {
        client: new RedshiftDataClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS }),
        env: {},
        copyRoleArn: 'arn:aws:iam::123456789012:role/copy',
        pollInitialMs: 1,
        pollMaxMs: 5,
      });
      const checks = new WarehouseChecks(contract);
      let viaApi: QualityReport;
      try {
        viaApi = await checks.run((sql) => wh.query(sql), facts);
      } finally {
        await wh.close();
      }
      const sent = api!.sent.slice(mark);
      const failedRules = viaApi.rules.filter((r) => r.failed > 0 && r.type !== 'freshness' && r.type !== 'row_count_change').length;
      assert.ok(sent.every((r) => r.api === 'ExecuteStatement'), 'no transaction: each check is a statement of its own');
      const sqls = sent.flatMap((r) => r.sqls);
      assert.equal(sqls.length, 1 + 1 + failedRules, sqls.join('\n---\n'));
      assert.ok(sqls.length <= 40);
      assert.equal(sqls[0], checks.countsQuery());
      for (const sql of sqls) {
        assert.match(sql, /^SELECT\b/);
        assert.doesNotMatch(sql, /\b(INSERT|UPDATE|DELETE|TRUNCATE|CREATE|DROP)\b/);
        assert.equal(toLocalDialect(sql), sql, 'the same text on Redshift and PostgreSQL');
      }
      if (failedRules > 0) assert.ok(sqls.some((s) => /ORDER BY .*\nLIMIT 5$/.test(s)), 'samples in a deterministic order');

      const onPostgres = await new WarehouseChecks(contract).run(async (sql) => (await direct!.query(sql)).rows as Array<Record<string, unknown>>, facts);
      assert.deepEqual(viaApi, onPostgres);
      const expected = EXPECTED[f.name];
      assert.deepEqual(viaApi.rules.filter((r) => r.status === 'fail').map((r) => r.id), expected.fail);
      const warned = viaApi.rules.filter((r) => r.status === 'warn').map((r) => r.id);
      assert.deepEqual(warned.filter((id) => id !== 'row_count_change'), expected.warn);
      assert.equal(viaApi.rowCount, f.rows.length);
    });
  }
});
