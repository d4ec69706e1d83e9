/**
 * The shell of a report page: one self-contained HTML document (styles inline, no script, no external
 * URL), laid out for a phone first: the viewport is the device's, charts scale to the column's width,
 * wide tables scroll inside their own box so the page itself never scrolls sideways.
 */
import { esc, jsonForScript } from './escape.ts';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1f24;background:#f6f7f9}
main{max-width:960px;margin:0 auto;padding:12px}
h1{font-size:1.35rem;margin:.4rem 0 .2rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
h3{font-size:1rem;margin:1rem 0 .3rem;overflow-wrap:anywhere}
p,li{overflow-wrap:anywhere}
section{background:#fff;border:1px solid #e2e4e9;border-radius:8px;padding:8px 12px;margin:12px 0}
figure{margin:8px 0}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;min-width:100%}
th,td{border-bottom:1px solid #e2e4e9;padding:4px 6px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f1f2f5;padding:6px;border-radius:4px}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:.85rem}
.published,.pass,.proceed{background:#dff3e4;color:#14532d}
.failed,.fail,.block,.breaking{background:#fde2e1;color:#7f1d1d}
.warn,.running{background:#fff3cd;color:#6b4e00}
.error{border-left:4px solid #b91c1c;padding-left:8px}
@media (max-width:640px){
.cards thead{display:none}
.cards,.cards tbody,.cards tr,.cards td{display:block;width:100%}
.cards tr{border-bottom:2px solid #d5d8de;padding:4px 0}
.cards td,.cards td.n{border:0;padding:1px 2px;text-align:left;overflow-wrap:anywhere}
.cards td::before{content:attr(data-label) ": ";font-weight:600;color:#555}
}
`;

export interface PageArgs {
  title: string;
  /** Already-escaped HTML of the page's body. */
  body: string;
  /** Data carried inline for whoever reads the file (never fetched from anywhere). */
  data?: unknown;
}

export function page(args: PageArgs): string {
  const data = args.data === undefined ? '' : `\n<script type="application/json" id="report-data">${jsonForScript(args.data)}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(args.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${args.body}
</main>${data}
</body>
</html>
`;
}

/**
 * A table of already-escaped cells under plain-text headings; `numeric` marks right-aligned columns by
 * index. On a phone each row becomes a card, every cell labelled with its heading.
 */
export function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number): string => (numeric.includes(i) ? ' class="n"' : '');
  const th = head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)} data-label="${esc(head[i])}">${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table class="cards"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

export function section(id: string, title: string, inner: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>\n${inner}\n</section>`;
}

/** A number with thin grouping, or a dash for a missing one. */
export function num(n: number | undefined | null): string {
  return n === undefined || n === null ? '—' : esc(n.toLocaleString('en-US'));
}
