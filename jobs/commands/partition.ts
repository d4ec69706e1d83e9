import { randomBytes } from 'node:crypto';
import { DEFAULT_GZIP_LEVEL, partition as runPartition } from '../partition/partition.ts';
import { newRunId, parseBatchDate, todayUtc } from '../locations.ts';
import { storeFor } from '../store/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { DEFAULT_SLICES } from '../partition/part-count.ts';
import { maxPageBytesFlag } from './max-page-bytes.ts';
import { contractFor, intFlag, partFlags, str, type Command } from './command.ts';
import { partitionShard } from './partition-shard.ts';

export const partition: Command = {
  summary: 'check a batch and cut it into gzip CSV parts plus manifest.json (no warehouse needed)',
  usage: 'redshift-loader partition --plan URI [--shard I] [--workers N] [--json]  |  redshift-loader partition --dataset NAME [--contracts DIR|s3://…] --source DIR|s3://… --out DIR|s3://… [--date YYYY-MM-DD] [--slices N] [--parts-per-slice N] [--gzip-level 1-9] [--workers N] [--max-page-bytes N] [--json]',
  options: {
    dataset: { type: 'string' }, contracts: { type: 'string' },
    source: { type: 'string' },
    out: { type: 'string' },
    date: { type: 'string' },
    slices: { type: 'string' },
    'parts-per-slice': { type: 'string' },
    'gzip-level': { type: 'string' },
    workers: { type: 'string' },
    'max-page-bytes': { type: 'string' },
    plan: { type: 'string' },
    shard: { type: 'string' },
  },
  stopsOnSignal: true,
  async run({ values, log, json, print, signal }) {
    if (values.plan !== undefined || values.shard !== undefined) return partitionShard({ values, log, json, print, signal });
    const contract = await contractFor(values.dataset, values.contracts);
    const source = str(values.source);
    const out = str(values.out);
    if (!source) throw new ConfigError('--source is required', {}, 'a batch folder: a path or s3://bucket/prefix');
    if (!out) throw new ConfigError('--out is required', {}, 'where the parts go: a path or s3://bucket/prefix');
    const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
    const parts = partFlags(values);
    const gzipLevel = intFlag('gzip-level', values['gzip-level'], 1, 9) ?? DEFAULT_GZIP_LEVEL;
    const started = performance.now();
    const result = await runPartition({
      contract,
      sourceStore: await storeFor(source),
      sourceUri: source,
      outStore: await storeFor(out),
      outUri: out,
      batchDate,
      runId: newRunId(new Date(), randomBytes(3).toString('hex')),
      slices: parts.slices ?? DEFAULT_SLICES,
      partsPerSlice: parts.partsPerSlice,
      gzipLevel,
      workers: intFlag('workers', values.workers, 0, 64),
      maxPageBytes: maxPageBytesFlag(values['max-page-bytes']),
      log,
      signal,
    });
    const m = result.manifest;
    const bytes = m.entries.reduce((s, e) => s + e.meta.content_length, 0);
    const seconds = (performance.now() - started) / 1000;
    const line = `wrote ${result.readRows} rows into ${m.entries.length} parts (${bytes.toLocaleString('en-US')} bytes gzip, level ${gzipLevel}) in ${seconds.toFixed(1)} s — manifest: ${result.manifestUri}`;
    if (json) print(JSON.stringify({ status: 'ok', message: line, rows: result.readRows, parts: m.entries.length, bytes, gzipLevel, seconds, manifest: result.manifestUri }));
    else log.info(line);
    return 0;
  },
};
