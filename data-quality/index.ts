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
export { ByteLevelColumnCheck, CALLER_CLASS_BITS, type ByteClasses, type TextValues } from './byte-level.ts';
export { defaultRuleTypes, ruleTypesWith, summaryOf, type RuleTypes } from './rules/index.ts';
export type { BatchRuleModule, ByteLevelForm, ColumnRuleModule, RuleDeclaration, RuleModule, RuleState } from './rules/index.ts';
export { WarehouseChecks, WAREHOUSE_ROW, type Query as WarehouseQuery, type WarehouseFacts } from './warehouse-checks.ts';
export { qualityErrorFrom } from './quality-error.ts';
export { renderQualityMarkdown } from './markdown.ts';
export type {
  ColumnProfile, FallbackCount, QualityReport, QualitySample, RowCountCheck, RuleResult, RuleStatus, RuleType, StorageNote,
} from './report.ts';
export { compilePattern } from './pattern.ts';
export { HyperLogLog } from './hyperloglog.ts';
export { UniqueKeys, type UniqueKeysOptions } from './unique-keys.ts';
export {
  coercerFor, canonicalText, showValue, typeText, CoerceFailure,
  type Canonical, type CanonicalBatch, type Coercer,
} from './coerce.ts';
