/**
 * Event-driven loads: one EventBridge rule per dataset (stacks/event-loading.ts) matches its completion
 * marker under its LANDING ROOT — not its name: `supplier_dim` reads `supplier/` like `supplier` — and
 * starts the nightly state machine with {"dataset": <that dataset's name>, "markerKey": <the object key>}
 * (an input transformer). One marker therefore starts every dataset reading that folder, each as its
 * own execution. The machine checks the key in JSONata — no Lambda — and refuses any key that is not
 * exactly `<that dataset's landing root><YYYYMMDD>/<that dataset's completion marker>` (the rule's
 * wildcard also matches deeper keys such as `supplier/x/20261125/_SUCCESS`; those are refused here,
 * never guessed at).
 *
 * The month and day are checked for range (01–12, 01–31); a date that does not exist (20260230) passes
 * the machine and is refused by the jobs' own date check (exit 2), like a manual run with that date.
 *
 * `batchOfMarkerKey` is the same rule in TypeScript, for tests and for reading; the policy tests check
 * that the synthesized machine carries exactly these expressions.
 */
import { completionMarkerOf, type DatasetContract } from '../datasets/index.ts';
import { landingRoot } from './catalog.ts';

/** YYYYMMDD with month 01–12 and day 01–31 (JSONata and JavaScript read this regular expression alike). */
export const BATCH_FOLDER_PATTERN = '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$';

/** Per dataset of the stack: its landing root (`supplier/`, with the slash) and its completion marker. */
export type MarkerTable = Record<string, { root: string; marker: string }>;

/** The marker table of a stack's contracts (stacks/catalog.ts landingRoot, the contract's completionMarker). */
export function markerTableOf(datasets: DatasetContract[]): MarkerTable {
  return Object.fromEntries(datasets.map((d) => [d.name, { root: landingRoot(d), marker: completionMarkerOf(d) }]));
}

/** The machine input an event rule's target builds: the dataset's name (a constant) and the event's object key. */
export const MARKER_INPUT_PATHS = { key: '$.detail.object.key' };

/**
 * The target's input template. `<key>` stands unquoted: in a JSON template EventBridge writes a string
 * path's value as a JSON string (quoted and escaped); a quoted `"<key>"` would paste it raw.
 */
export function markerInputTemplate(dataset: string): string {
  return `{"dataset": ${JSON.stringify(dataset)}, "markerKey": <key>}`;
}

const INPUT = '$states.input';

/** JSONata (without the `{% %}`): true when the input's markerKey is its dataset's marker of a batch folder. */
export function markerKeyCondition(table: MarkerTable): string {
  return (
    `$type(${INPUT}.dataset) = 'string' and $type(${INPUT}.markerKey) = 'string' and ` +
    `($t := $lookup(${JSON.stringify(table)}, ${INPUT}.dataset); $k := ${INPUT}.markerKey; ` +
    `$type($t.root) = 'string' and $type($t.marker) = 'string' and ` +
    `($f := $substring($k, $length($t.root), 8); $k = $t.root & $f & '/' & $t.marker and $contains($f, /${BATCH_FOLDER_PATTERN}/)))`
  );
}

/** JSONata (without the `{% %}`): the machine's usual input, {"dataset", "date": "YYYY-MM-DD"}, from a marker's key. */
export function markerKeyInput(table: MarkerTable): string {
  return (
    `($t := $lookup(${JSON.stringify(table)}, ${INPUT}.dataset); $f := $substring(${INPUT}.markerKey, $length($t.root), 8); ` +
    `{"dataset": ${INPUT}.dataset, "date": $substring($f, 0, 4) & '-' & $substring($f, 4, 2) & '-' & $substring($f, 6, 2)})`
  );
}

/** The same as the two expressions together: the batch an input starts, or undefined when the machine refuses it. */
export function batchOfMarkerKey(input: { dataset: unknown; markerKey: unknown }, table: MarkerTable): { dataset: string; date: string } | undefined {
  const { dataset, markerKey: key } = input;
  if (typeof dataset !== 'string' || typeof key !== 'string' || !Object.hasOwn(table, dataset)) return undefined;
  const { root, marker } = table[dataset];
  const folder = key.slice(root.length, root.length + 8);
  if (key !== `${root}${folder}/${marker}` || !new RegExp(BATCH_FOLDER_PATTERN).test(folder)) return undefined;
  return { dataset, date: `${folder.slice(0, 4)}-${folder.slice(4, 6)}-${folder.slice(6, 8)}` };
}

/** EventBridge wildcard text: `*` and `\` stand for themselves only escaped. */
function literal(s: string): string {
  return s.replace(/[\\*]/g, '\\$&');
}

/** The EventBridge wildcard of one dataset's markers: `<landing root>*\/<marker>` (a suffix match on the marker under the root). */
export function markerWildcard(root: string, marker: string): string {
  return `${literal(root)}*/${literal(marker)}`;
}
