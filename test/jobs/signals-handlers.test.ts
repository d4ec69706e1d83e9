/**
 * The CLI's signal handlers (jobs/signals.ts) in-process: abort with the signal's reason, a second
 * signal or an overlong shutdown exits at once with 128 + signal, commands that cannot stop cleanly
 * exit on the first one. (test/jobs/signals.test.ts drives the same through the real CLI.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../jobs/log.ts';
import { onTermination } from '../../jobs/signals.ts';
import { TerminatedError } from '../../jobs/terminated.ts';

test('first signal aborts with a TerminatedError (143 / 130); a second exits at once with the same code', () => {
  const exits: number[] = [];
  const t = onTermination({ graceful: true, log: silentLogger, exit: (c) => exits.push(c) });
  try {
    process.emit('SIGTERM', 'SIGTERM');
    assert.ok(t.signal.aborted);
    assert.ok(t.signal.reason instanceof TerminatedError);
    assert.equal(t.signal.reason.exitCode, 143);
    assert.equal(t.received, t.signal.reason);
    assert.deepEqual(exits, [], 'the first signal lets the command roll back');
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [130], 'the second exits at once');
  } finally {
    t.dispose();
  }
  assert.equal(process.listenerCount('SIGTERM'), 0, 'disposed: the handlers are gone');
});

test('a command that cannot stop cleanly exits on the first signal', () => {
  const exits: number[] = [];
  const t = onTermination({ graceful: false, log: silentLogger, exit: (c) => exits.push(c) });
  try {
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [130]);
  } finally {
    t.dispose();
  }
});

test('a shutdown that overruns its grace period exits with the signal code', async () => {
  const exits: number[] = [];
  const t = onTermination({ graceful: true, log: silentLogger, graceMs: 50, exit: (c) => exits.push(c) });
  try {
    process.emit('SIGTERM', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(exits, [143]);
  } finally {
    t.dispose();
  }
});
