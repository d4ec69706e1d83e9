/**
 * The run report's Markdown about the batch's place in history: its source fingerprint, what changed
 * since its previous published copy (when it was loaded again), and what retention expired.
 */
import type { RunReport } from './report.ts';

export function batchHistorySection(r: RunReport): string {
  const out: string[] = [];
  if (r.sourceFingerprint) out.push(`- source fingerprint: \`${r.sourceFingerprint}\``);
  if (r.previous && r.status !== 'already-published') {
    out.push(`- loaded again: the batch was published by run \`${r.previous.runId}\` (load_ts \`${r.previous.loadTs}\`)`);
  }
  const c = r.sourceChanges;
  if (c) {
    if (c.unknown) out.push(`- source files changed since then; which ones is unknown: ${c.unknown}`);
    else {
      out.push(`- source files changed since then: ${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed`);
      out.push('', '| change | file | before | now |', '|---|---|---|---|');
      for (const u of c.added) out.push(`| added | \`${u}\` | — | |`);
      for (const u of c.removed) out.push(`| removed | \`${u}\` | | — |`);
      for (const x of c.changed) out.push(`| changed | \`${x.uri}\` | ${x.before} | ${x.now} |`);
      out.push('');
    }
  }
  if (r.expired) {
    const dates = r.expired.batchDates.length ? ` (${r.expired.batchDates.join(', ')})` : '';
    out.push(`- retention expired **${r.expired.batches}** batch(es)${dates}: **${r.expired.rows}** rows deleted from history`);
  }
  return out.length ? `\n${out.join('\n')}\n` : '';
}
