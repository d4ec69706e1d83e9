/**
 * Reading a synthesized stack (cdk.tf.json): resources by type, references between them, and the IAM
 * policy documents inside them. Plain JSON in, plain data out.
 */

export type Attrs = Record<string, any>;

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
  if (Array.isArray(v)) return v[0] as Attrs | undefined;
  if (v && typeof v === 'object') return v;
  return undefined;
}

export function blocks(v: unknown): Attrs[] {
  if (Array.isArray(v)) return v as Attrs[];
  if (v && typeof v === 'object') return [v];
  return [];
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
    const statements = blocks(doc.statement).map((s) => ({
      Sid: s.sid,
      Effect: (s.effect ?? 'Allow') as 'Allow' | 'Deny',
      Action: s.actions,
      NotAction: s.not_actions,
      Resource: s.resources,
      NotResource: s.not_resources,
      Principal: s.principals,
    }));
    found.push({ where: `data.aws_iam_policy_document.${id}`, kind: 'identity', statements });
  }
  return found;
}

export function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
