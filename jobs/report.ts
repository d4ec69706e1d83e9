import type { Checksums } from '../core/manifest.ts';
import type { Locations } from './locations.ts';
import type { IgnoredEntry } from './readers/batch-listing.ts';
import type { SourceIdentity } from '../core/manifest.ts';
import { describeIdentity } from './store/identity.ts';
import type { StorageAdvice } from './advice/advice.ts';
import { adviceMarkdown } from './advice/markdown.ts';
import type { SourceChanges } from './source-fingerprint.ts';
import { batchHistorySection } from './report-batch-history.ts';

/** The run report (JSON), written to the reports location for every run, failed or not. */
export interface RunReport {
  runId: string;
  dataset: string;
  batchDate: string;
  /** 'already-published': the batch's published copy has the same source fingerprint; nothing was written. */
  status: 'running' | 'published' | 'failed' | 'already-published';
  startedAt: string;
  finishedAt?: string;
  loadTs: string;
  locations: Locations;
  /** Rows at each hand-off: source files -> read -> parts -> manifest -> staged -> published. */
  rows: Partial<Record<'source' | 'read' | 'parts' | 'manifest' | 'staged' | 'published', number>>;
  /** The batch as listed: every data file with its identity (the version that was read). */
  files: Array<{ uri: string; size: number; identity?: SourceIdentity }>;
  /** Entries of the batch folder that are not part of the batch (hidden, markers, subfolders…), and why. */
  ignored: IgnoredEntry[];
  parts: number;
  manifest?: string;
  checksums?: Checksums;
  timings: Record<string, number>;
  reports: Partial<Record<'runJson' | 'runMarkdown' | 'runHtml' | 'qualityJson' | 'qualityMarkdown' | 'driftJson' | 'driftMarkdown', string>>;
  error?: string;
  exitCode?: number;
  /** Storage advice from a sample of the parts and the batch's profile (jobs/advice/); absent when none was computed. */
  advice?: StorageAdvice;
  /** sha256 of the batch's file identities (jobs/source-fingerprint.ts), recorded in the audit row. */
  sourceFingerprint?: string;
  /** The batch's copy published before this run (status 'already-published', or reloaded). */
  previous?: { runId: string; loadTs: string; fingerprint: string | null };
  /** Reloaded because the source changed: the files that changed, or why they cannot be named. */
  sourceChanges?: SourceChanges & { unknown?: string };
  /** What retention expired in this run's publish (contract `retention`). */
  expired?: { batches: number; rows: number; batchDates: string[] };
}

export function renderRunMarkdown(r: RunReport, table: string): string {
  const hand = (['source', 'read', 'parts', 'manifest', 'staged', 'published'] as const)
    .map((k) => `| ${k} | ${r.rows[k] ?? '—'} |`)
    .join('\n');
  const links = Object.entries(r.reports)
    .filter(([k]) => !k.startsWith('run'))
    .map(([k, v]) => `- ${k}: \`${v}\``)
    .join('\n');
  const timings = Object.entries(r.timings)
    .map(([k, v]) => `| ${k} | ${v} ms |`)
    .join('\n');
  return `# Run ${r.runId}: ${r.dataset} ${r.batchDate} — ${r.status.toUpperCase()}

${r.status === 'published' ? `Published **${r.rows.published}** rows into \`${table}\` with load_ts \`${r.loadTs}\`.` : r.status === 'already-published' ? `Already published by run \`${r.previous?.runId}\` (load_ts \`${r.previous?.loadTs}\`) from the same source files: nothing was written.` : `Nothing was published. ${r.error ?? ''}`}
${batchHistorySection(r)}
| hand-off | rows |
|---|---|
${hand}

- files: ${r.files.length}; parts: ${r.parts}
${filesSection(r)}
- manifest: ${r.manifest ? `\`${r.manifest}\`` : '—'}
- warehouse: \`${r.locations.warehouse}\`
${r.checksums ? `- checksums: \`${JSON.stringify(r.checksums)}\`` : ''}

| step | time |
|---|---|
${timings}

${links ? `Reports:\n${links}\n` : ''}${r.advice ? `\n${adviceMarkdown(r.advice)}` : ''}`;
}

/** The batch as listed (with identities) and what the folder held besides, in Markdown. */
function filesSection(r: RunReport): string {
  const files = r.files.map((f) => `| \`${f.uri}\` | ${f.identity ? describeIdentity(f.identity) : `size ${f.size}`} |`).join('\n');
  const ignored = r.ignored.map((i) => `| \`${i.uri}\` | ${i.reason} |`).join('\n');
  return `
| file | identity when listed |
|---|---|
${files || '| — | |'}

Ignored entries of the batch folder: ${r.ignored.length ? `\n\n| entry | why |\n|---|---|\n${ignored}` : 'none'}
`;
}
