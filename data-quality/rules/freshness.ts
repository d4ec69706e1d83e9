/**
 * freshness: the batch folder exists and holds rows. The loader adds it (as an error) when the
 * contract declares none. It owns the report's `freshness` header.
 */
import type { BatchRuleModule } from './rule-module.ts';

const DESCRIPTION = 'the batch folder exists and holds rows';

export const freshness: BatchRuleModule<null> = {
  type: 'freshness',
  scope: 'batch',
  compile() {
    return { params: null, description: DESCRIPTION };
  },
  implicit() {
    return { params: null, description: DESCRIPTION, severity: 'error' };
  },
  judge(rule, { files, rows, batchFolder }) {
    rule.checked = 1;
    if (files === 0 || rows === 0) {
      rule.failed = 1;
      rule.detail = files === 0
        ? `the batch folder ${batchFolder} holds no data files`
        : `the batch folder ${batchFolder} holds ${files} file${files === 1 ? '' : 's'} but no rows`;
    } else {
      rule.detail = `${files} file${files === 1 ? '' : 's'}, ${rows} rows in ${batchFolder}`;
    }
  },
  reportFields(_rule, { files, rows }, status) {
    return { freshness: { files, rowCount: rows, status } };
  },
};
