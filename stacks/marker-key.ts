/**
 * Event-driven loads: the nightly state machine is also started by EventBridge with the whole S3
 * "Object Created" event as its input ({"detail": {"bucket": {"name"}, "object": {"key"}}, …}). The
 * machine derives the dataset and batch date from the object key with the JSONata below — no Lambda —
 * and refuses any key that is not exactly `<dataset>/<YYYYMMDD>/<that dataset's completion marker>`
 * of a dataset of this stack (the rule's wildcard also matches deeper keys such as
 * `supplier/x/20261125/_SUCCESS`; those are refused here, never guessed at).
 *
 * The month and day are checked for range (01–12, 01–31); a date that does not exist (20260230) passes
 * the machine and is refused by the jobs' own date check (exit 2), like a manual run with that date.
 *
 * `batchOfMarkerKey` is the same rule in TypeScript, for tests and for reading; the policy tests check
 * that the synthesized machine carries exactly these expressions.
 */

/** YYYYMMDD with month 01–12 and day 01–31 (JSONata and JavaScript read this regular expression alike). */
export const BATCH_FOLDER_PATTERN = '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$';

/** The event's object key, as the machine reads it. */
export const MARKER_KEY = '$states.input.detail.object.key';

/**
 * JSONata (without the `{% %}`): true when the input is an S3 event whose key is a complete batch's
 * marker. `markers` maps each dataset of the stack to its completion marker.
 */
export function markerKeyCondition(markers: Record<string, string>): string {
  return (
    `($p := $split(${MARKER_KEY}, '/'); ` +
    `$count($p) = 3 and $contains($p[1], /${BATCH_FOLDER_PATTERN}/) and $lookup(${JSON.stringify(markers)}, $p[0]) = $p[2])`
  );
}

/** JSONata (without the `{% %}`): the machine's usual input, {"dataset", "date": "YYYY-MM-DD"}, from a marker's key. */
export function markerKeyInput(): string {
  return (
    `($p := $split(${MARKER_KEY}, '/'); ` +
    `{"dataset": $p[0], "date": $substring($p[1], 0, 4) & '-' & $substring($p[1], 4, 2) & '-' & $substring($p[1], 6, 2)})`
  );
}

/** The same as the two expressions together: the batch a key starts, or undefined when the machine refuses it. */
export function batchOfMarkerKey(key: string, markers: Record<string, string>): { dataset: string; date: string } | undefined {
  const p = key.split('/');
  if (p.length !== 3 || !new RegExp(BATCH_FOLDER_PATTERN).test(p[1])) return undefined;
  if (!Object.hasOwn(markers, p[0]) || markers[p[0]] !== p[2]) return undefined;
  return { dataset: p[0], date: `${p[1].slice(0, 4)}-${p[1].slice(4, 6)}-${p[1].slice(6, 8)}` };
}

/** The EventBridge wildcard of one dataset's markers: `<dataset>/*\/<marker>` (a suffix match on the marker under the dataset's prefix). */
export function markerWildcard(dataset: string, marker: string): string {
  return `${dataset}/*/${marker}`;
}
