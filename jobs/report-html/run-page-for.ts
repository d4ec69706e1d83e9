/**
 * The run's page, for the run's own report step: ECharts (half a second to load) is loaded only here,
 * once the run is over. A page that cannot be drawn is a warning naming why, and run.json then carries
 * no `runHtml` — the run's outcome and its JSON and Markdown reports never depend on the page.
 */
import type { Logger } from '../log.ts';
import type { RunPageInput } from './run-html.ts';

export async function runPageFor(input: RunPageInput, log: Pick<Logger, 'warn'>): Promise<string | undefined> {
  try {
    const { renderRunHtml } = await import('./run-html.ts');
    return renderRunHtml(input);
  } catch (e) {
    log.warn(`could not draw run.html for run ${input.report.runId}: ${(e as Error).message}`);
    return undefined;
  }
}
