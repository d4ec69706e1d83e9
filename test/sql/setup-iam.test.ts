/** `setup` for Redshift Serverless: the ETL user is the job role's IAM identity, quoted everywhere. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { applySetup, createUserStatement, grantStatements } from '../../sql/setup.ts';
import { toLocalDialect } from '../../sql/local.ts';
import { ConfigError } from '../../core/errors.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { freshDatabase, pgUrl, requirePostgres } from '../support/services.ts';

const IAM_USER = 'IAMR:redshift-loader-dev-batch-job';

describe('setup with an IAM identity as the ETL user', () => {
  it('quotes the IAM name in Redshift SQL and in its local translation', () => {
    assert.equal(createUserStatement(IAM_USER), `CREATE USER "${IAM_USER}" PASSWORD DISABLE`);
    assert.equal(toLocalDialect(createUserStatement(IAM_USER)), `CREATE ROLE "${IAM_USER}" LOGIN`);
    assert.ok(grantStatements(supplier, IAM_USER).every((g) => g.includes(`"${IAM_USER}"`)));
  });

  it('still refuses names that are neither plain identifiers nor IAM identities', () => {
    for (const bad of ['IAMR:', 'IAMR:has space', 'Etl', 'x"; DROP TABLE y; --', 'IAMX:role']) {
      assert.throws(() => createUserStatement(bad), ConfigError, bad);
    }
  });

  it('applies on a real PostgreSQL, twice', async (t) => {
    if (!(await requirePostgres(t))) return;
    const db = await freshDatabase('rl_setup_iam');
    try {
      const wh = await openWarehouse(db.url);
      try {
        const first = await applySetup(wh, supplier, { etlUser: IAM_USER });
        const second = await applySetup(wh, supplier, { etlUser: IAM_USER });
        assert.deepEqual([first.userCreated, second.userCreated], [true, false]);
        const [r] = await wh.query(
          `SELECT has_table_privilege('${IAM_USER}', 'assignment.supplier_data', 'INSERT') AS can_insert,
                  has_table_privilege('${IAM_USER}', 'assignment.supplier_data', 'UPDATE') AS can_update`,
        );
        assert.deepEqual([r.can_insert, r.can_update], [true, false]);
      } finally {
        await wh.close();
      }
    } finally {
      await db.drop();
      // Roles are cluster-wide in PostgreSQL: leave none behind.
      const admin = await openWarehouse(pgUrl());
      await admin.query(`DROP ROLE IF EXISTS "${IAM_USER}"`).catch(() => undefined);
      await admin.close();
    }
  });
});
