/**
 * The `report` command's work: read a dataset's history from its reports location and write index.html
 * beside it (<reports>/<dataset>/index.html), all-or-nothing like every store write.
 */
import { ConfigError } from '../../core/errors.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { readHistory } from './history.ts';
import { renderIndexHtml } from './index-html.ts';

export interface WrittenIndex {
  dataset: string;
  uri: string;
  runs: number;
  failed: number;
}

export async function writeDatasetIndex(store: ObjectStore, reports: string, dataset: string | boolean | undefined, now = new Date()): Promise<WrittenIndex> {
  // Any name: the reports of a dataset whose contract is gone are still worth a page. Not a path, though.
  if (typeof dataset !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(dataset)) {
    throw new ConfigError(`--dataset must name a dataset (letters, digits, _ . -), got ${typeof dataset === 'string' ? `"${dataset}"` : 'nothing'}`, {}, 'e.g. redshift-loader report --dataset supplier');
  }
  const history = await readHistory(store, reports, dataset);
  const uri = store.join(history.root, 'index.html');
  await store.write(uri, renderIndexHtml(dataset, history, now.toISOString()), 'text/html; charset=utf-8');
  return { dataset, uri, runs: history.runs.length, failed: history.runs.filter((r) => r.report.status === 'failed').length };
}
