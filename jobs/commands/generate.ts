import { findTpchTable, generateTable, tpchTableNames, type GenerateFormat } from '../../tpch/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { intFlag, str, type Command } from './command.ts';

export const generate: Command = {
  summary: 'write a TPC-H table (deterministic per seed, streamed at any scale) as Parquet or dbgen text',
  usage: 'redshift-loader generate --dataset TABLE --scale SF --out DIR [--files N] [--format parquet|csv] [--seed S] [--row-group N]',
  options: {
    dataset: { type: 'string' },
    scale: { type: 'string' },
    out: { type: 'string' },
    files: { type: 'string' },
    format: { type: 'string' },
    seed: { type: 'string' },
    'row-group': { type: 'string' },
  },
  async run({ values, log, json, print }) {
    const name = str(values.dataset);
    const known = `the TPC-H tables it knows: ${tpchTableNames().join(', ')}`;
    if (!name) throw new ConfigError('--dataset is required', {}, known);
    const table = findTpchTable(name);
    if (!table) throw new ConfigError(`--dataset ${name}: the generator has no TPC-H table of that name`, {}, known);
    const scaleText = str(values.scale);
    if (!scaleText) throw new ConfigError('--scale is required', {}, 'e.g. --scale 1 (10,000 rows) or --scale 1000 (10M rows)');
    const scale = /^\d+(\.\d+)?$/.test(scaleText) ? Number(scaleText) : NaN;
    const out = str(values.out);
    if (!out) throw new ConfigError('--out is required', {}, 'the folder to write the files into');
    const formatText = str(values.format) ?? 'parquet';
    if (formatText !== 'parquet' && formatText !== 'csv') throw new ConfigError(`--format must be parquet or csv, got "${formatText}"`);
    const format: GenerateFormat = formatText;
    const started = performance.now();
    const result = await generateTable(table.name, {
      scale,
      outDir: out,
      format,
      files: intFlag('files', values.files, 1, 100000),
      seed: str(values.seed),
      rowGroupSize: intFlag('row-group', values['row-group'], 1, 10_000_000),
      onProgress: (p) => log.progress('generate', p.rows, p.totalRows),
    });
    log.endProgress();
    const bytes = result.files.reduce((s, f) => s + f.bytes, 0);
    const line = `wrote ${result.rows} ${table.name.toUpperCase()} rows into ${result.files.length} ${format} file(s), ${bytes.toLocaleString('en-US')} bytes, in ${((performance.now() - started) / 1000).toFixed(1)} s: ${out}`;
    if (json) print(JSON.stringify({ status: 'ok', message: line, rows: result.rows, files: result.files }));
    else log.info(line);
    return 0;
  },
};
