/**
 * What EventBridge does with an S3 event, applied to the synthesized rules and targets: which rules'
 * patterns match it (source, detail-type, bucket name, object key wildcard) and the input each target
 * then sends (its input transformer applied). Tests use it to build the machine's input from the real
 * template instead of writing it out.
 *
 * Wildcards: `*` matches any run of characters, `/` included; `\*` and `\\` stand for themselves.
 * Input templates: a placeholder standing unquoted in a JSON template gets the path's value as JSON (a
 * string quoted and escaped); a placeholder inside quotes gets the string's raw text.
 */
import { block, obj, resources, refersTo, text, type Attrs, type TfJson } from './policy/tf.ts';

export interface S3ObjectCreated {
  source: 'aws.s3';
  'detail-type': 'Object Created';
  detail: { bucket: { name: string }; object: { key: string } };
}

export function objectCreated(bucket: string, key: string): S3ObjectCreated {
  return { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucket }, object: { key } } };
}

export function wildcardMatches(wildcard: string, value: string): boolean {
  let re = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i];
    if (c === '\\' && i + 1 < wildcard.length) re += wildcard[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(value);
}

interface S3Pattern {
  source?: string[];
  'detail-type'?: string[];
  detail?: { bucket?: { name?: string[] }; object?: { key?: Array<Record<string, string>> } };
}

/** Does an S3 event rule's pattern match the event? Only the fields our rules use; any other filter counts as no match. */
export function s3PatternMatches(pattern: S3Pattern, e: S3ObjectCreated): boolean {
  if (!pattern.source?.includes(e.source) || !pattern['detail-type']?.includes(e['detail-type'])) return false;
  const buckets = pattern.detail?.bucket?.name;
  if (buckets && !buckets.includes(e.detail.bucket.name)) return false;
  const keys = pattern.detail?.object?.key;
  if (!keys) return true;
  return keys.some((k) => (typeof k.wildcard === 'string' ? wildcardMatches(k.wildcard, e.detail.object.key) : false));
}

function valueAt(event: unknown, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`input path ${path} is not $.dot.notation`);
  return path.slice(2).split('.').reduce<unknown>((v, k) => obj(v)?.[k], event);
}

/** The target input an input transformer ({input_paths, input_template}) makes of the event. */
export function applyInputTransformer(transformer: Attrs, event: unknown): unknown {
  const paths = (obj(transformer.input_paths) ?? {}) as Record<string, string>;
  const filled = text(transformer.input_template).replace(/("?)<([^<>]+)>("?)/g, (_match: string, open: string, name: string, close: string) => {
    if (!Object.hasOwn(paths, name)) throw new Error(`placeholder <${name}> has no input path`);
    const value = valueAt(event, paths[name]);
    if (open && close) return typeof value === 'string' ? `"${value}"` : `"${JSON.stringify(value)}"`;
    return `${open}${JSON.stringify(value ?? null)}${close}`;
  });
  return JSON.parse(filled);
}

export interface Started {
  rule: string;
  /** The target's arn (a Terraform reference in a synthesized stack). */
  arn: string;
  input: unknown;
}

/** Every target the event reaches in a synthesized stack, with the input it sends (the bucket name as the rules spell it). */
export function targetsReached(tf: TfJson, e: S3ObjectCreated): Started[] {
  const out: Started[] = [];
  for (const rule of resources(tf, 'aws_cloudwatch_event_rule')) {
    const pattern = JSON.parse(text(rule.attrs.event_pattern ?? '{}')) as S3Pattern;
    if (!s3PatternMatches(pattern, e)) continue;
    for (const t of resources(tf, 'aws_cloudwatch_event_target').filter((x) => refersTo(x.attrs.rule, rule))) {
      const transformer = block(t.attrs.input_transformer);
      const input: unknown = transformer ? applyInputTransformer(transformer, e) : t.attrs.input !== undefined ? (JSON.parse(text(t.attrs.input)) as unknown) : e;
      out.push({ rule: text(rule.attrs.name), arn: text(t.attrs.arn), input });
    }
  }
  return out;
}
