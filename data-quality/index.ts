/**
 * Data quality: the contract's rules evaluated in the run's single streaming pass, and the report.
 *
 *   const q = new QualityEvaluator(contract, { previousRowCount });
 *   for await (const batch of batches) partition(q.observe(batch));   // canonical values, once
 *   const report = q.finish({ batchFolder, files });
 *   write(report, renderQualityMarkdown(report));
 *   const err = qualityErrorFrom(report); if (err) throw err;           // exit 4
 */
export { QualityEvaluator, type FinishOptions, type QualityEvaluatorOptions } from './evaluator.ts';
export { qualityErrorFrom } from './quality-error.ts';
export { renderQualityMarkdown } from './markdown.ts';
export type {
  ColumnProfile, QualityReport, QualitySample, RowCountCheck, RuleResult, RuleStatus, RuleType, StorageNote,
} from './report.ts';
export { compilePattern } from './pattern.ts';
export { HyperLogLog } from './hyperloglog.ts';
export { UniqueKeys, type UniqueKeysOptions } from './unique-keys.ts';
export {
  coercerFor, canonicalText, decimalText, showValue, typeText, CoerceFailure,
  type Canonical, type CanonicalBatch, type Coercer,
} from './coerce.ts';
