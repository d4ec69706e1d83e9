/** Storage advice as text: the DDL and a table of bytes per million rows (run.md's section and `advise`'s output). */
import type { StorageAdvice } from './advice.ts';

const n = (v: number): string => v.toLocaleString('en-US');

export function adviceTable(a: StorageAdvice): string {
  const rows = a.columns.map(
    (c) =>
      `| ${c.column} | ${c.declaredType} ${c.currentEncoding.toUpperCase()} | ${c.suggestedType} ${c.suggestedEncoding.toUpperCase()} | ${n(c.bytesPerMillionNow)} | ${n(c.bytesPerMillionSuggested)} | ${n(c.bytesPerMillionNow - c.bytesPerMillionSuggested)} | ${c.reason} |`,
  );
  const changes = a.tableChanges.map((t) => `- ${t.kind}: ${t.now} → ${t.suggested} — ${t.reason}`);
  return [
    '| column | now | suggested | bytes / M rows now | suggested | saved | why |',
    '|---|---|---|---:|---:|---:|---|',
    ...rows,
    `| **total** | | | | | **${n(a.bytesSavedPerMillionRows)}** | |`,
    ...(changes.length ? ['', ...changes] : []),
  ].join('\n');
}

export function adviceSummary(a: StorageAdvice): string {
  const based = a.basedOn ? ` of batch ${a.basedOn.batchDate} (run ${a.basedOn.runId}); widths bounded by the widest values of ${a.basedOn.widestFromBatches.length} batch(es)` : '';
  const how = a.source === 'analyze-compression' ? "encodings from Redshift's ANALYZE COMPRESSION" : `measured on the sample (ZSTD: ${a.zstdMethod ?? 'zstd'}; AZ64 estimated)`;
  return `${a.table}: ${a.sampleRows.toLocaleString('en-US')} sampled rows${based}; ${how}; saves ${n(a.bytesSavedPerMillionRows)} bytes per million rows`;
}

export function adviceDdl(a: StorageAdvice): string {
  return a.ddl.length ? `${a.ddl.join(';\n')};` : '-- no change advised';
}

/** The run.md section. */
export function adviceMarkdown(a: StorageAdvice): string {
  return `## Storage advice

${adviceSummary(a)}.

\`\`\`sql
${adviceDdl(a)}
\`\`\`

${adviceTable(a)}
`;
}
