/**
 * Charts of the report pages, drawn by ECharts on the server (its SSR mode renders to an SVG string, no
 * DOM) and placed inline: the page needs no script and no network to show them. The SVG keeps its viewBox
 * and takes the width of its column, so a chart scales down to a phone's screen.
 */
import type { EChartsOption } from 'echarts';

/**
 * ECharts' own single-file build. The package entry loads ECharts as ~700 modules: 370 ms of CPU per
 * process, paid by every run (its page is drawn at the end). The minified bundle is the same library
 * in one file: 45 ms (`node -e "import('echarts/dist/echarts.esm.min.mjs')"` against `import('echarts')`).
 */
const ECHARTS_BUNDLE = 'echarts/dist/echarts.esm.min.mjs';
const echarts = (await import(ECHARTS_BUNDLE)) as typeof import('echarts');
import { esc } from './escape.ts';

export interface ChartArgs {
  /** Names the chart for screen readers and tests (`data-chart`). */
  id: string;
  caption: string;
  option: EChartsOption;
  width?: number;
  height?: number;
}

const OPENING = /^<svg width="\d+(?:\.\d+)?" height="\d+(?:\.\d+)?" /;

/** One chart as a <figure> holding its inline SVG. */
export function chartFigure(args: ChartArgs): string {
  const width = args.width ?? 480;
  const height = args.height ?? 280;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...args.option });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  if (!OPENING.test(svg)) throw new Error(`ECharts rendered an SVG this page cannot make responsive: ${svg.slice(0, 80)}`);
  // The viewBox stays; a width of 100% and no height let the browser scale it to the column.
  const responsive = svg.replace(OPENING, `<svg width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${esc(args.caption)}" data-chart="${esc(args.id)}" `);
  return `<figure>${responsive}<figcaption>${esc(args.caption)}</figcaption></figure>`;
}

/** Category labels under a bar chart: turned when there are many, and never cut off. */
export function categoryAxis(labels: string[]): EChartsOption['xAxis'] {
  return { type: 'category', data: labels, axisLabel: { rotate: labels.length > 4 ? 30 : 0, fontSize: 11, hideOverlap: true } };
}
