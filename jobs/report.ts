import type { Checksums } from './manifest.ts';
import type { Locations } from './locations.ts';

/** The run report (JSON), written to the reports location for every run, failed or not. */
export interface RunReport {
  runId: string;
  dataset: string;
  batchDate: string;
  status: 'running' | 'published' | 'failed';
  startedAt: string;
  finishedAt?: string;
  loadTs: string;
  locations: Locations;
  /** Rows at each hand-off: source files -> read -> parts -> manifest -> staged -> published. */
  rows: Partial<Record<'source' | 'read' | 'parts' | 'manifest' | 'staged' | 'published', number>>;
  files: Array<{ uri: string; size: number }>;
  parts: number;
  manifest?: string;
  checksums?: Checksums;
  timings: Record<string, number>;
  reports: Partial<Record<'runJson' | 'runMarkdown' | 'qualityJson' | 'qualityMarkdown' | 'driftJson' | 'driftMarkdown', string>>;
  error?: string;
  exitCode?: number;
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

${r.status === 'published' ? `Published **${r.rows.published}** rows into \`${table}\` with load_ts \`${r.loadTs}\`.` : `Nothing was published. ${r.error ?? ''}`}

| hand-off | rows |
|---|---|
${hand}

- files: ${r.files.length}; parts: ${r.parts}
- manifest: ${r.manifest ? `\`${r.manifest}\`` : '—'}
- warehouse: \`${r.locations.warehouse}\`
${r.checksums ? `- checksums: \`${JSON.stringify(r.checksums)}\`` : ''}

| step | time |
|---|---|
${timings}

${links ? `Reports:\n${links}\n` : ''}`;
}
