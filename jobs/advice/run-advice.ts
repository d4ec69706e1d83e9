/**
 * The run's storage advice, after the publish: a sample of the package's parts and the batch's profile
 * (batch-advice.ts), with the widest values the last earlier advice recorded (run-reports.ts). Advice never fails a published batch: if it cannot be computed, the run says why in a
 * warning and run.json carries no `advice`. A Parquet package (--strategy parquet) has no parts to sample
 * and the run says so.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import type { QualityReport } from '../../data-quality/index.ts';
import type { Manifest } from '../../core/manifest.ts';
import type { Logger } from '../log.ts';
import type { ObjectStore } from '../store/index.ts';
import type { StorageAdvice } from './advice.ts';
import { batchAdvice } from './batch-advice.ts';
import { previousWidest } from './run-reports.ts';

export async function runAdvice(i: {
  contract: DatasetContract;
  batchDate: string;
  runId: string;
  quality: QualityReport | undefined;
  manifest: Manifest;
  staging: ObjectStore;
  reports: ObjectStore;
  reportsUri: string;
  log: Logger;
}): Promise<StorageAdvice | undefined> {
  if (i.manifest.package.format !== 'csv' || !i.quality) {
    i.log.info('no storage advice: the load package has no CSV parts to sample (advise reads a --strategy csv run)');
    return undefined;
  }
  try {
    const earlier = await previousWidest(i.reports, i.reportsUri, i.contract.name, i.runId);
    const advice = await batchAdvice({ ...i, quality: i.quality, earlier });
    i.log.info(`storage advice: ${advice.ddl.length} DDL statement(s), ${advice.bytesSavedPerMillionRows.toLocaleString('en-US')} bytes saved per million rows (sample of ${advice.sampleRows} rows)`);
    return advice;
  } catch (e) {
    i.log.warn(`could not compute the storage advice: ${(e as Error).message}`);
    return undefined;
  }
}
