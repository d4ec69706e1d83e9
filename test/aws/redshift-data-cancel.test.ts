/**
 * SIGTERM/SIGINT on the Redshift Data API adapter: the run's AbortSignal (jobs/warehouse/stops-on.ts)
 * cancels the running statement with CancelStatement, so an uncommitted publish rolls back. The
 * statement lifecycle is driven by aws-sdk-client-mock (no local server speaks the Data API).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { TerminatedError } from '../../jobs/terminated.ts';
import { RedshiftDataWarehouse } from '../../jobs/warehouse/redshift-data.ts';
import { stopsOn } from '../../jobs/warehouse/stops-on.ts';
import { TEST_CREDENTIALS } from './moto.ts';

const client = new RedshiftDataClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
const api = mockClient(client);

/** The real clock, polling slowly: a cancel must wake the poller rather than wait out its sleep. */
function warehouse(): RedshiftDataWarehouse {
  return new RedshiftDataWarehouse('redshift-data:cluster/c/d', { client, env: {}, copyRoleArn: 'arn:aws:iam::1:role/r', pollInitialMs: 4_000, pollMaxMs: 4_000 });
}

beforeEach(() => api.reset());
afterEach(() => api.reset());

describe('redshift-data: a signal cancels the running statement', () => {
  test('an abort during the publish sends CancelStatement for it, waits for ABORTED, and fails with the signal', async () => {
    let cancelled = false;
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'publish-1' });
    api.on(DescribeStatementCommand).callsFake(() => ({ Id: 'publish-1', Status: cancelled ? 'ABORTED' : 'STARTED' }));
    api.on(CancelStatementCommand).callsFake(() => {
      cancelled = true;
      return { Status: true };
    });
    const raw = warehouse();
    const controller = new AbortController();
    const wh = stopsOn(controller.signal, raw);
    const t0 = performance.now();
    const publishing = wh.transaction(['DELETE FROM s.h WHERE batch_date = 1', 'INSERT INTO s.h SELECT * FROM s.st']);
    setTimeout(() => controller.abort(new TerminatedError('SIGTERM')), 100);
    await assert.rejects(publishing, (e: unknown) => e instanceof TerminatedError && e.exitCode === 143 && /^terminated by SIGTERM/.test(e.oneLine()));
    assert.ok(performance.now() - t0 < 2_000, `the poller woke for the cancel instead of sleeping 4 s (${Math.round(performance.now() - t0)} ms)`);
    assert.deepEqual(api.commandCalls(CancelStatementCommand).map((c) => c.args[0].input), [{ Id: 'publish-1' }]);
    assert.equal(api.commandCalls(DescribeStatementCommand).at(-1)!.args[0].input.Id, 'publish-1');

    // The adapter stays usable: the failed audit row goes through the unwrapped warehouse.
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'audit-1' });
    api.on(DescribeStatementCommand).resolves({ Id: 'audit-1', Status: 'FINISHED' });
    await raw.transaction(["INSERT INTO s.audit VALUES ('failed')"]);
    assert.equal(api.commandCalls(CancelStatementCommand).length, 1, 'the audit row is not cancelled');
    // And the wrapped one refuses new work once aborted, without calling the API.
    const before = api.commandCalls(BatchExecuteStatementCommand).length;
    await assert.rejects(wh.transaction(['SELECT 1']), TerminatedError);
    assert.equal(api.commandCalls(BatchExecuteStatementCommand).length, before);
  });

  test('a publish that committed before the cancel reached Redshift stands', async () => {
    let polls = 0;
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'publish-2' });
    api.on(DescribeStatementCommand).callsFake(() => ({ Id: 'publish-2', Status: ++polls >= 2 ? 'FINISHED' : 'STARTED' }));
    api.on(CancelStatementCommand).rejects(Object.assign(new Error('Could not cancel a query that is already in FINISHED state'), { name: 'ValidationException' }));
    const controller = new AbortController();
    const wh = stopsOn(controller.signal, warehouse());
    const publishing = wh.transaction(['DELETE FROM s.h WHERE batch_date = 1']);
    setTimeout(() => controller.abort(new TerminatedError('SIGTERM')), 100);
    await publishing; // resolves: committed is published, the caller reports it so
    assert.equal(api.commandCalls(CancelStatementCommand).length, 1);
  });
});
