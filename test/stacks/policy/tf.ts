/**
 * Reading a synthesized stack (cdk.tf.json): resources by type, references between them, and the IAM
 * policy documents inside them. Plain JSON in, plain data out.
 */

export type Attrs = Record<string, unknown>;

// ------------------------------------------------------- reading JSON values
// Synthesized attributes are whatever the constructs wrote: these read them without trusting a shape.

/** A JSON object (not a list, not null), or undefined. */
export function obj(v: unknown): Attrs | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Attrs) : undefined;
}

/** A JSON list, or [] for anything else. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/** A string, or undefined for anything else. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A number (or numeric text, as Terraform accepts it), or undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A value as text: a string as it is, anything else as its JSON. */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}

/** A policy or Terraform field written as one string or a list of strings (each item as text). */
export function strs(v: unknown): string | string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map((x: unknown) => text(x)) : text(v);
}

/** The object at a path; throws naming the path when there is none (for tests that edit a stack). */
export function objAt(v: unknown, ...path: Array<string | number>): Attrs {
  const o = obj(at(v, ...path));
  if (!o) throw new Error(`no JSON object at ${path.join('.')}`);
  return o;
}

/** The list at a path; throws naming the path when there is none. */
export function arrAt(v: unknown, ...path: Array<string | number>): unknown[] {
  const a = at(v, ...path);
  if (!Array.isArray(a)) throw new Error(`no JSON list at ${path.join('.')}`);
  return a as unknown[];
}

/** The string at a path; throws naming the path when there is none. */
export function strAt(v: unknown, ...path: Array<string | number>): string {
  const s = at(v, ...path);
  if (typeof s !== 'string') throw new Error(`no string at ${path.join('.')}`);
  return s;
}

/** The value at a path of keys and list indexes, or undefined where the path leaves the JSON. */
export function at(v: unknown, ...path: Array<string | number>): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? (cur as unknown[])[k] : undefined;
    else cur = obj(cur)?.[k];
  }
  return cur;
}

export interface TfJson {
  terraform?: Attrs;
  provider?: Attrs;
  variable?: Attrs;
  data?: Record<string, Record<string, Attrs>>;
  resource?: Record<string, Record<string, Attrs>>;
}

export interface Resource {
  type: string;
  id: string;
  attrs: Attrs;
}

export function resources(tf: TfJson, type: string): Resource[] {
  return Object.entries(tf.resource?.[type] ?? {}).map(([id, attrs]) => ({ type, id, attrs }));
}

export function allResources(tf: TfJson): Resource[] {
  return Object.keys(tf.resource ?? {}).flatMap((t) => resources(tf, t));
}

/** The ids of resources of `type` that a string refers to: "${aws_s3_bucket.x.id}" -> ["x"]. */
export function refs(value: unknown, type: string): string[] {
  const out: string[] = [];
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const re = new RegExp(`\\$\\{${type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.([A-Za-z0-9_-]+)\\.`, 'g');
  for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

export function refersTo(value: unknown, r: Resource): boolean {
  return refs(value, r.type).includes(r.id);
}

/** A Terraform block written as a list of one object (or an object): its first object. */
export function block(v: unknown): Attrs | undefined {
  return Array.isArray(v) ? obj((v as unknown[])[0]) : obj(v);
}

export function blocks(v: unknown): Attrs[] {
  if (Array.isArray(v)) return (v as unknown[]).flatMap((x): Attrs[] => {
      const o = obj(x);
      return o ? [o] : [];
    });
  const o = obj(v);
  return o ? [o] : [];
}

// ------------------------------------------------ JSON documents inside attributes

/** A Batch job definition's container_properties, as far as the rules and tests read it. */
export interface ContainerProperties {
  image?: string;
  command?: string[];
  environment?: Array<{ name: string; value: string }>;
  secrets?: unknown[];
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  networkConfiguration?: { assignPublicIp?: string };
  jobRoleArn?: string;
  executionRoleArn?: string;
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

/** An EventBridge event pattern: each field a value or a list of values to match. */
export interface EventPattern {
  source?: string | string[];
  'detail-type'?: string | string[];
  detail?: {
    state?: string | string[];
    crawlerName?: string | string[];
    status?: string | string[];
    container?: { exitCode?: unknown };
  };
}

// ---------------------------------------------------------------- policies

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export type PolicyKind = 'identity' | 'trust' | 'bucket' | 'key' | 'topic' | 'endpoint' | 'secret' | 'other';

export interface FoundPolicy {
  where: string;
  kind: PolicyKind;
  statements: PolicyStatement[];
}

/** Where policy documents live, and what kind each one is. */
const POLICY_ATTRIBUTES: Array<{ type: string; attr: string; kind: PolicyKind }> = [
  { type: 'aws_iam_role_policy', attr: 'policy', kind: 'identity' },
  { type: 'aws_iam_policy', attr: 'policy', kind: 'identity' },
  { type: 'aws_iam_user_policy', attr: 'policy', kind: 'identity' },
  { type: 'aws_iam_group_policy', attr: 'policy', kind: 'identity' },
  { type: 'aws_iam_role', attr: 'assume_role_policy', kind: 'trust' },
  { type: 'aws_s3_bucket_policy', attr: 'policy', kind: 'bucket' },
  { type: 'aws_kms_key', attr: 'policy', kind: 'key' },
  { type: 'aws_kms_key_policy', attr: 'policy', kind: 'key' },
  { type: 'aws_sns_topic_policy', attr: 'policy', kind: 'topic' },
  { type: 'aws_sns_topic', attr: 'policy', kind: 'topic' },
  { type: 'aws_vpc_endpoint', attr: 'policy', kind: 'endpoint' },
  { type: 'aws_vpc_endpoint_policy', attr: 'policy', kind: 'endpoint' },
  { type: 'aws_secretsmanager_secret', attr: 'policy', kind: 'secret' },
  { type: 'aws_secretsmanager_secret_policy', attr: 'policy', kind: 'secret' },
  { type: 'aws_ecr_repository_policy', attr: 'policy', kind: 'other' },
  { type: 'aws_cloudwatch_log_resource_policy', attr: 'policy_document', kind: 'other' },
];

/**
 * Terraform turns `$${x}` into the literal `${x}`; the JSON itself is valid either way, since
 * interpolations sit inside JSON strings.
 */
export function parsePolicy(text: string): PolicyStatement[] {
  const doc = JSON.parse(text) as { Statement: PolicyStatement | PolicyStatement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

export function policies(tf: TfJson): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const { type, attr, kind } of POLICY_ATTRIBUTES) {
    for (const r of resources(tf, type)) {
      const text = r.attrs[attr];
      if (typeof text !== 'string' || !text) continue;
      found.push({ where: `${type}.${r.id}`, kind, statements: parsePolicy(text) });
    }
  }
  // aws_iam_policy_document data sources, if any are used.
  for (const [id, doc] of Object.entries(tf.data?.aws_iam_policy_document ?? {})) {
    const statements = blocks(doc.statement).map((s): PolicyStatement => ({
      Sid: str(s.sid),
      Effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      Action: strs(s.actions),
      NotAction: strs(s.not_actions),
      Resource: strs(s.resources),
      NotResource: strs(s.not_resources),
      Principal: s.principals,
    }));
    found.push({ where: `data.aws_iam_policy_document.${id}`, kind: 'identity', statements });
  }
  return found;
}

export function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
