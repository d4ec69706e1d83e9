/**
 * The policy suite: rules over one synthesized stack (cdk.tf.json), taken from what checkov, tfsec
 * and cdk-nag check on these resource types, plus the issue's own requirements (every part present,
 * least privilege, jobs and schedules wired as designed). Each rule returns its violations as lines.
 */
import {
  allResources,
  at,
  block,
  blocks,
  list,
  num,
  obj,
  parsePolicy,
  policies,
  refersTo,
  refs,
  resources,
  str,
  strs,
  text,
  type Attrs,
  type ContainerProperties,
  type EventPattern,
  type FoundPolicy,
  type PolicyStatement,
  type Resource,
  type TfJson,
} from './tf.ts';
import { EVENT_LOADING_RULES } from './event-loading-rules.ts';
import { MONITORING_RULES } from './monitoring-rules.ts';

/** The landing root of dataset `d`: `<d>/` unless the options name another. */
function landingRootOf(o: CheckOptions, d: string): string {
  return o.landingRoots?.[d] ?? `${d}/`;
}

export interface CheckOptions {
  /** The environment's name: every resource name must carry it. */
  environment: string;
  /** Dataset names: one crawler, schedule and crawler rule each. */
  datasets: string[];
  /** A dataset's landing root when it is not `<name>/` (supplier_dim reads `supplier/`: its contract's source prefix). */
  landingRoots?: Record<string, string>;
  /** The variables jobs/ reads (keys of JOB_ENV) less UNSET_JOB_ENV: the job definitions set exactly these. */
  jobEnvNames: string[];
  /** Variables jobs/ reads that the job definitions must NOT set (RL_SECRET_ARN: the jobs log in through IAM). */
  unsetJobEnvNames?: string[];
  /** The environment's contractsPrefix: the job role reads exactly that landing prefix, RL_CONTRACTS names it. */
  contractsPrefix?: string;
  /** Per dataset, the shards and shard size the environment data gives it (the nightly machine's table). */
  sizing?: Record<string, { shards: number; vcpu: number; memoryMiB: number }>;
  /** Per dataset, its completion marker when not `_SUCCESS` (event-driven loads). */
  markers?: Record<string, string>;
  /** Per dataset whose contract has a row_count_change rule, its maxChangePercent (the row-count alarm's threshold). */
  rowCountLimits?: Record<string, number>;
}

export interface Rule {
  id: string;
  /** The checkov / tfsec / cdk-nag checks (or issue item) it stands for. */
  source: string;
  title: string;
  check(tf: TfJson, o: CheckOptions): string[];
}

// ------------------------------------------------------------------ shared facts

export const INTERFACE_ENDPOINT_SERVICES = ['secretsmanager', 'redshift-data', 'glue', 'ecr.api', 'ecr.dkr', 'logs', 'sts', 'kms', 'sns'];

/** Actions that read or write data, or hand over a role: never allowed on "*". */
export const DATA_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'secretsmanager:GetSecretValue',
  'redshift-data:ExecuteStatement',
  'redshift-data:BatchExecuteStatement',
  'redshift:GetClusterCredentials',
  'redshift:GetClusterCredentialsWithIAM',
  'redshift-serverless:GetCredentials',
  'iam:PassRole',
  'sts:AssumeRole',
  'glue:StartCrawler',
  'batch:SubmitJob',
  'states:StartExecution',
  'sns:Publish',
];

/**
 * Actions AWS authorizes only on Resource "*" (they support no resource type). Identity policies may
 * grant exactly these on "*"; each is used by one role and commented where it is granted.
 */
export const STAR_ONLY_ACTIONS: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'registry login; no resource type',
  'batch:DescribeJobs': 'Step Functions follows the Batch job (.sync); no resource type',
  'redshift-data:DescribeStatement': 'no resource type; limited by redshift-data:statement-owner-iam-userid',
  'redshift-data:GetStatementResult': 'no resource type; limited by redshift-data:statement-owner-iam-userid',
  'redshift-data:CancelStatement': 'no resource type; limited by redshift-data:statement-owner-iam-userid',
  'redshift-data:ListStatements': 'no resource type; limited by redshift-data:statement-owner-iam-userid',
  'logs:CreateLogDelivery': 'Step Functions log delivery; no resource type',
  'logs:GetLogDelivery': 'Step Functions log delivery; no resource type',
  'logs:UpdateLogDelivery': 'Step Functions log delivery; no resource type',
  'logs:DeleteLogDelivery': 'Step Functions log delivery; no resource type',
  'logs:ListLogDeliveries': 'Step Functions log delivery; no resource type',
  'logs:PutResourcePolicy': 'Step Functions log delivery; no resource type',
  'logs:DescribeResourcePolicies': 'Step Functions log delivery; no resource type',
  'logs:DescribeLogGroups': 'Step Functions log delivery; no resource type',
  'xray:PutTraceSegments': 'X-Ray tracing; no resource type',
  'xray:PutTelemetryRecords': 'X-Ray tracing; no resource type',
  'xray:GetSamplingRules': 'X-Ray tracing; no resource type',
  'xray:GetSamplingTargets': 'X-Ray tracing; no resource type',
};

/** Statement-scoped Data API actions on "*" must carry this condition. */
const STATEMENT_OWNER_KEY = 'redshift-data:statement-owner-iam-userid';

const CLOUDWATCH_RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];

/**
 * Each job definition's command and the exit codes its Batch retry strategy retries, written out here
 * (not imported from stacks/) so a change there has to be made here too, on purpose.
 */
export const JOB_SHAPES: Record<string, { command: string[]; retried: string[] }> = {
  run: { command: ['run', '--dataset', 'Ref::dataset', '--date', 'Ref::date'], retried: ['1', '5', '143'] },
  drift: { command: ['drift', '--dataset', 'Ref::dataset'], retried: ['1', '5', '143'] },
  plan: { command: ['plan', '--dataset', 'Ref::dataset', '--date', 'Ref::date', '--shards', 'Ref::shards', '--pointer', 'Ref::pointer'], retried: ['1', '5', '143'] },
  // A shard is idempotent (1, 143 are safe to repeat); its exit 5 (a source changed since the plan) is not transient.
  partition: { command: ['partition', '--plan', 'Ref::plan'], retried: ['1', '143'] },
  load: { command: ['load', '--plan', 'Ref::plan'], retried: ['1', '5', '143'] },
};

// ------------------------------------------------------------------ helpers

const named = (r: Resource) => `${r.type}.${r.id}`;

/** Whether `v` is one of `options` (a JSON value against literals). */
function isOneOf(v: unknown, options: readonly unknown[]): boolean {
  return options.includes(v);
}

/** The dataset a schedule or an event target passes in its JSON input. */
function inputDataset(input: unknown): unknown {
  return (JSON.parse(str(input) ?? '{}') as { dataset?: unknown }).dataset;
}

/** An identity or resource policy's statements, from the JSON text an attribute holds. */
function statementsIn(policy: unknown): PolicyStatement[] {
  return parsePolicy(text(policy));
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function conditionKeys(s: PolicyStatement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
}

function principalIsStar(p: unknown): boolean {
  if (p === '*') return true;
  if (p && typeof p === 'object') {
    const aws = (p as { AWS?: unknown }).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

function isWildcardAction(a: string): boolean {
  return a === '*' || /^[a-z0-9-]+:\*$/i.test(a);
}

function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(action);
}

function statementsOf(found: FoundPolicy[], kinds: FoundPolicy['kind'][]) {
  return found.filter((p) => kinds.includes(p.kind)).flatMap((p) => p.statements.map((s) => ({ p, s })));
}

/** The buckets, by purpose (from the bucket name: <project>-<env>-<purpose>-<account>). */
function bucketsByPurpose(tf: TfJson, env: string): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const b of resources(tf, 'aws_s3_bucket')) {
    const m = new RegExp(`-${env}-(.+)-\\$\\{`).exec(text(b.attrs.bucket ?? ''));
    out.set(m ? m[1] : String(b.attrs.bucket), b);
  }
  return out;
}

function attached(tf: TfJson, type: string, target: Resource, attr = 'bucket'): Resource[] {
  return resources(tf, type).filter((r) => refersTo(r.attrs[attr], target));
}

function jobDefinitions(tf: TfJson): Array<{ r: Resource; props: ContainerProperties }> {
  return resources(tf, 'aws_batch_job_definition').map((r) => ({ r, props: JSON.parse(str(r.attrs.container_properties) ?? '{}') as ContainerProperties }));
}

function eventPattern(r: Resource): EventPattern {
  return JSON.parse(str(r.attrs.event_pattern) ?? '{}') as EventPattern;
}

// ------------------------------------------------------------------ rules

export const RULES: Rule[] = [
  // ---------------------------------------------------------------- presence
  {
    id: 'PRESENT-PARTS',
    source: 'issue: every part present',
    title: 'VPC, endpoints, key, buckets, Redshift, catalog, crawlers, Batch, schedules, crawler rules, SNS',
    check(tf) {
      const need: Array<[string, number]> = [
        ['aws_vpc', 1],
        ['aws_kms_key', 1],
        ['aws_glue_catalog_database', 1],
        ['aws_glue_crawler', 1],
        ['aws_batch_compute_environment', 1],
        ['aws_batch_job_queue', 1],
        ['aws_batch_job_definition', 5],
        ['aws_ecr_repository', 1],
        ['aws_scheduler_schedule', 1],
        ['aws_cloudwatch_event_rule', 1],
        ['aws_sns_topic', 1],
        ['aws_sns_topic_subscription', 1],
        ['aws_flow_log', 1],
      ];
      const v = need.filter(([t, n]) => resources(tf, t).length < n).map(([t, n]) => `fewer than ${n} ${t}`);
      const warehouse = resources(tf, 'aws_redshift_cluster').length + resources(tf, 'aws_redshiftserverless_workgroup').length;
      if (warehouse !== 1) v.push(`expected one Redshift cluster or serverless workgroup, found ${warehouse}`);
      if (!Object.keys(tf.terraform?.backend ?? {}).length && tf.terraform?.backend !== undefined) v.push('empty backend');
      return v;
    },
  },
  {
    id: 'NAMES-CARRY-ENV',
    source: 'issue 1: every resource name carries the environment',
    title: 'Every name-like attribute contains the environment name',
    check(tf, o) {
      const attrsWithNames = ['name', 'bucket', 'cluster_identifier', 'namespace_name', 'workgroup_name', 'function_name', 'name_prefix', 'alarm_name', 'dashboard_name'];
      const v: string[] = [];
      for (const r of allResources(tf)) {
        for (const a of attrsWithNames) {
          const val = r.attrs[a];
          if (typeof val !== 'string' || val.startsWith('${')) continue; // a reference to a named resource
          if (!val.includes(o.environment)) v.push(`${named(r)}.${a} = ${val} does not carry ${o.environment}`);
        }
        if (r.type === 'aws_vpc' || r.type === 'aws_subnet') {
          const tag = at(r.attrs.tags, 'Name');
          if (typeof tag !== 'string' || !tag.includes(o.environment)) v.push(`${named(r)} Name tag does not carry ${o.environment}`);
        }
      }
      return v;
    },
  },
  {
    id: 'STATE-BACKEND',
    source: 'issue 1: remote state in S3 with locking',
    title: 'S3 backend, encrypted, with a lock',
    check(tf) {
      const s3 = obj(at(tf.terraform, 'backend', 's3'));
      if (!s3) return ['no S3 backend'];
      const v: string[] = [];
      if (!truthy(s3.encrypt)) v.push('state not encrypted');
      if (!truthy(s3.use_lockfile) && !s3.dynamodb_table) v.push('state has no lock (use_lockfile or dynamodb_table)');
      return v;
    },
  },

  // ---------------------------------------------------------------- network
  {
    id: 'NET-PRIVATE-SUBNETS',
    source: 'issue 2; checkov CKV_AWS_130; tfsec aws-ec2-no-public-ip-subnet',
    title: 'Private subnets in at least two AZs, no public IPs on launch',
    check(tf) {
      const subnets = resources(tf, 'aws_subnet');
      const v: string[] = [];
      const azs = new Set(subnets.map((s) => s.attrs.availability_zone));
      if (subnets.length < 2 || azs.size < 2) v.push(`private subnets in ${azs.size} AZ(s); need at least two`);
      for (const s of subnets) if (truthy(s.attrs.map_public_ip_on_launch)) v.push(`${named(s)} maps public IPs`);
      for (const t of ['aws_eip', 'aws_eip_association']) for (const r of resources(tf, t)) v.push(`${named(r)}: public IP`);
      return v;
    },
  },
  {
    id: 'NET-NO-INTERNET-ROUTE',
    source: 'issue 2: no route to the internet for the data plane',
    title: 'No internet or NAT gateway, no default route',
    check(tf) {
      const v: string[] = [];
      for (const t of ['aws_internet_gateway', 'aws_nat_gateway', 'aws_egress_only_internet_gateway', 'aws_internet_gateway_attachment']) {
        for (const r of resources(tf, t)) v.push(`${named(r)} exists`);
      }
      const routes = [
        ...resources(tf, 'aws_route').map((r) => ({ r, route: r.attrs })),
        ...resources(tf, 'aws_route_table').flatMap((r) => blocks(r.attrs.route).map((route) => ({ r, route }))),
      ];
      for (const { r, route } of routes) {
        if (isOneOf(route.destination_cidr_block, OPEN_CIDRS) || isOneOf(route.cidr_block, OPEN_CIDRS) || isOneOf(route.destination_ipv6_cidr_block, OPEN_CIDRS)) {
          v.push(`${named(r)}: default route`);
        }
        if (route.gateway_id || route.nat_gateway_id || route.egress_only_gateway_id) v.push(`${named(r)}: route to a gateway`);
      }
      return v;
    },
  },
  {
    id: 'NET-ENDPOINTS',
    source: 'issue 2: S3 gateway endpoint, interface endpoints with private DNS',
    title: 'Gateway endpoint for S3; private-DNS interface endpoints for every service the jobs call',
    check(tf) {
      const eps = resources(tf, 'aws_vpc_endpoint');
      const service = (r: Resource) => text(r.attrs.service_name ?? '').replace(/^com\.amazonaws\.[a-z0-9-]+\./, '');
      const v: string[] = [];
      const s3 = eps.find((e) => service(e) === 's3' && e.attrs.vpc_endpoint_type === 'Gateway');
      if (!s3) v.push('no S3 gateway endpoint');
      else if (!list(strs(s3.attrs.route_table_ids)).length) v.push('S3 gateway endpoint is on no route table');
      for (const svc of INTERFACE_ENDPOINT_SERVICES) {
        const e = eps.find((x) => service(x) === svc && x.attrs.vpc_endpoint_type === 'Interface');
        if (!e) v.push(`no interface endpoint for ${svc}`);
        else {
          if (!truthy(e.attrs.private_dns_enabled)) v.push(`${svc} endpoint without private DNS`);
          if (!list(strs(e.attrs.security_group_ids)).length) v.push(`${svc} endpoint without a security group`);
          if (list(strs(e.attrs.subnet_ids)).length < 2) v.push(`${svc} endpoint in fewer than two subnets`);
        }
      }
      return v;
    },
  },
  {
    id: 'NET-FLOW-LOGS',
    source: 'checkov CKV2_AWS_11; tfsec aws-ec2-require-vpc-flow-logs-for-all-vpcs',
    title: 'Every VPC has flow logs of all traffic',
    check(tf) {
      const v: string[] = [];
      for (const vpc of resources(tf, 'aws_vpc')) {
        const logs = resources(tf, 'aws_flow_log').filter((f) => refersTo(f.attrs.vpc_id, vpc));
        if (!logs.length) v.push(`${named(vpc)} has no flow log`);
        if (logs.length && !logs.some((f) => f.attrs.traffic_type === 'ALL')) v.push(`${named(vpc)} flow log does not capture ALL traffic`);
      }
      return v;
    },
  },
  {
    id: 'NET-DEFAULT-SG-CLOSED',
    source: 'checkov CKV2_AWS_12; cdk-nag (VPC default SG)',
    title: 'The default security group of every VPC has no rules',
    check(tf) {
      const v: string[] = [];
      for (const vpc of resources(tf, 'aws_vpc')) {
        const d = resources(tf, 'aws_default_security_group').find((g) => refersTo(g.attrs.vpc_id, vpc));
        if (!d) v.push(`${named(vpc)}: default security group not managed (its default rules stay)`);
        else if (blocks(d.attrs.ingress).length || blocks(d.attrs.egress).length) v.push(`${named(d)} has rules`);
        else if (!Array.isArray(d.attrs.ingress) || !Array.isArray(d.attrs.egress)) v.push(`${named(d)} does not set empty ingress and egress`);
      }
      return v;
    },
  },
  {
    id: 'NET-SG-DESCRIPTIONS',
    source: 'checkov CKV_AWS_23; tfsec aws-ec2-add-description-to-security-group(-rule)',
    title: 'Every security group and every rule has a description',
    check(tf) {
      const v: string[] = [];
      for (const g of resources(tf, 'aws_security_group')) {
        if (!g.attrs.description || /managed by terraform/i.test(text(g.attrs.description))) v.push(`${named(g)} has no description`);
        for (const rule of [...blocks(g.attrs.ingress), ...blocks(g.attrs.egress)]) if (!rule.description) v.push(`${named(g)}: inline rule without description`);
      }
      for (const t of ['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
        for (const r of resources(tf, t)) if (!r.attrs.description) v.push(`${named(r)} has no description`);
      }
      return v;
    },
  },
  {
    id: 'NET-NO-OPEN-INGRESS',
    source: 'checkov CKV_AWS_24/25/260/277; tfsec aws-ec2-no-public-ingress-sgr, aws-ec2-no-public-egress-sgr',
    title: 'No rule open to 0.0.0.0/0 or ::/0',
    check(tf) {
      const v: string[] = [];
      const open = (r: Attrs) =>
        [r.cidr_ipv4, r.cidr_ipv6, ...list(strs(r.cidr_blocks)), ...list(strs(r.ipv6_cidr_blocks))].some((c) => isOneOf(c, OPEN_CIDRS));
      for (const t of ['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
        for (const r of resources(tf, t)) if (open(r.attrs)) v.push(`${named(r)} is open to the internet`);
      }
      for (const g of resources(tf, 'aws_security_group')) {
        for (const rule of [...blocks(g.attrs.ingress), ...blocks(g.attrs.egress)]) if (open(rule)) v.push(`${named(g)}: inline rule open to the internet`);
      }
      return v;
    },
  },
  {
    id: 'NET-REDSHIFT-FROM-BATCH-ONLY',
    source: 'issue 2: Redshift accepts 5439 only from the Batch security group',
    title: 'The warehouse security group admits 5439 from the Batch security group and nothing else',
    check(tf) {
      const v: string[] = [];
      const ce = resources(tf, 'aws_batch_compute_environment')[0];
      const batchSgIds = list(strs(block(ce?.attrs.compute_resources)?.security_group_ids)).flatMap((s) => refs(s, 'aws_security_group'));
      const warehouseSgIds = [
        ...resources(tf, 'aws_redshift_cluster').flatMap((c) => list(strs(c.attrs.vpc_security_group_ids))),
        ...resources(tf, 'aws_redshiftserverless_workgroup').flatMap((w) => list(strs(w.attrs.security_group_ids))),
      ].flatMap((s) => refs(s, 'aws_security_group'));
      if (!batchSgIds.length) v.push('Batch compute environment has no security group');
      if (!warehouseSgIds.length) v.push('warehouse has no security group');
      for (const sgId of warehouseSgIds) {
        const sg = resources(tf, 'aws_security_group').find((g) => g.id === sgId)!;
        if (blocks(sg.attrs.ingress).length) v.push(`${named(sg)} has inline ingress`);
        const ingress = resources(tf, 'aws_vpc_security_group_ingress_rule').filter((r) => refersTo(r.attrs.security_group_id, sg));
        const legacy = resources(tf, 'aws_security_group_rule').filter((r) => r.attrs.type === 'ingress' && refersTo(r.attrs.security_group_id, sg));
        for (const r of legacy) v.push(`${named(r)}: warehouse ingress via aws_security_group_rule`);
        if (!ingress.length) v.push('warehouse admits no one');
        for (const r of ingress) {
          const from = refs(r.attrs.referenced_security_group_id, 'aws_security_group');
          if (r.attrs.from_port !== 5439 || r.attrs.to_port !== 5439 || r.attrs.ip_protocol !== 'tcp') v.push(`${named(r)} is not tcp/5439`);
          if (from.length !== 1 || !batchSgIds.includes(from[0])) v.push(`${named(r)} admits something other than the Batch security group`);
        }
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- KMS
  {
    id: 'KMS-ROTATION-POLICY',
    source: 'checkov CKV_AWS_7, CKV_AWS_33, CKV2_AWS_64; tfsec aws-kms-auto-rotate-keys; cdk-nag KMS5',
    title: 'One customer-managed key: rotation on, a key policy naming the services, no open principal',
    check(tf) {
      const v: string[] = [];
      const keys = resources(tf, 'aws_kms_key');
      if (keys.length !== 1) v.push(`expected one KMS key per environment, found ${keys.length}`);
      for (const k of keys) {
        if (!truthy(k.attrs.enable_key_rotation)) v.push(`${named(k)} rotation off`);
        if ((num(k.attrs.deletion_window_in_days) ?? 30) < 7) v.push(`${named(k)} deletion window < 7 days`);
        if (!k.attrs.policy) {
          v.push(`${named(k)} has no key policy`);
          continue;
        }
        const statements = statementsIn(k.attrs.policy);
        const viaServices = statements.flatMap((s) => list((s.Condition?.StringEquals?.['kms:ViaService'] as string | string[] | undefined) ?? []));
        if (!viaServices.length) v.push(`${named(k)} policy names no services (kms:ViaService)`);
        for (const s of statements) {
          if (s.Effect === 'Allow' && principalIsStar(s.Principal)) v.push(`${named(k)} ${s.Sid}: principal "*"`);
          const svc = (s.Principal as { Service?: unknown } | undefined)?.Service;
          if (s.Effect === 'Allow' && svc && !s.Condition) v.push(`${named(k)} ${s.Sid}: service principal without a condition`);
        }
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- S3
  {
    id: 'S3-BUCKETS',
    source: 'issue 4; checkov CKV_AWS_18/21/53-56/145/300, CKV2_AWS_6/61/62/65; tfsec aws-s3-*; cdk-nag S1/S2/S5/S10',
    title: 'landing, staging, reports, access logs: each encrypted, private, owner-enforced, versioned, TLS-only, logged, with lifecycle rules',
    check(tf, o) {
      const v: string[] = [];
      const byPurpose = bucketsByPurpose(tf, o.environment);
      for (const p of ['landing', 'staging', 'reports', 'access-logs']) if (!byPurpose.has(p)) v.push(`no ${p} bucket`);
      const keys = resources(tf, 'aws_kms_key');
      const logBucket = byPurpose.get('access-logs');
      for (const [purpose, b] of byPurpose) {
        const n = `bucket ${purpose}`;
        // encryption
        const sse = attached(tf, 'aws_s3_bucket_server_side_encryption_configuration', b)[0];
        const rule = block(sse?.attrs.rule);
        const dflt = block(rule?.apply_server_side_encryption_by_default);
        if (!dflt) v.push(`${n}: no default encryption`);
        else if (purpose === 'access-logs') {
          if (!isOneOf(dflt.sse_algorithm, ['AES256', 'aws:kms'])) v.push(`${n}: not encrypted`);
        } else {
          if (dflt.sse_algorithm !== 'aws:kms' || !keys.some((k) => refersTo(dflt.kms_master_key_id, k))) v.push(`${n}: not SSE-KMS with the environment key`);
          if (!truthy(rule?.bucket_key_enabled)) v.push(`${n}: bucket key off`);
        }
        // public access block
        const pab = attached(tf, 'aws_s3_bucket_public_access_block', b)[0];
        for (const f of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) {
          if (!truthy(pab?.attrs[f])) v.push(`${n}: ${f} not set`);
        }
        // ownership
        const own = attached(tf, 'aws_s3_bucket_ownership_controls', b)[0];
        if (block(own?.attrs.rule)?.object_ownership !== 'BucketOwnerEnforced') v.push(`${n}: ownership not BucketOwnerEnforced`);
        for (const acl of attached(tf, 'aws_s3_bucket_acl', b)) v.push(`${n}: has an ACL (${named(acl)})`);
        // versioning
        const ver = attached(tf, 'aws_s3_bucket_versioning', b)[0];
        if (block(ver?.attrs.versioning_configuration)?.status !== 'Enabled') v.push(`${n}: versioning not enabled`);
        // TLS-only policy
        const pol = attached(tf, 'aws_s3_bucket_policy', b)[0];
        const statements = pol ? statementsIn(pol.attrs.policy) : [];
        const denyTls = statements.some(
          (s) =>
            s.Effect === 'Deny' &&
            principalIsStar(s.Principal) &&
            list(s.Action).some((a) => a === 's3:*' || a === '*') &&
            String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false' &&
            list(s.Resource).some((r) => refersTo(r, b)) &&
            list(s.Resource).some((r) => r.endsWith('/*')),
        );
        if (!denyTls) v.push(`${n}: policy does not deny non-TLS requests to the bucket and its objects`);
        // access logging
        const log = attached(tf, 'aws_s3_bucket_logging', b)[0];
        if (!log) v.push(`${n}: no access logging`);
        else if (logBucket && !refersTo(log.attrs.target_bucket, logBucket)) v.push(`${n}: access logs not sent to the access-log bucket`);
        // lifecycle
        const lc = attached(tf, 'aws_s3_bucket_lifecycle_configuration', b)[0];
        const rules = blocks(lc?.attrs.rule).filter((r) => r.status === 'Enabled');
        if (!rules.some((r) => block(r.abort_incomplete_multipart_upload)?.days_after_initiation)) v.push(`${n}: no rule aborting incomplete multipart uploads`);
        if (!rules.some((r) => block(r.noncurrent_version_expiration)?.noncurrent_days)) v.push(`${n}: no rule expiring noncurrent versions`);
        if (purpose === 'staging' && !rules.some((r) => block(r.expiration)?.days)) v.push(`${n}: staging parts never expire`);
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- Redshift
  {
    id: 'REDSHIFT-CLUSTER',
    source: 'issue 5; checkov CKV_AWS_64/71/87/105/142/154/320/321/343; tfsec aws-redshift-*; cdk-nag RS1-RS11',
    title: 'Encrypted with the key, private, enhanced VPC routing, managed password, non-default names, TLS and activity logging, audit logs, snapshots',
    check(tf) {
      const v: string[] = [];
      const keys = resources(tf, 'aws_kms_key');
      const withKey = (x: unknown) => keys.some((k) => refersTo(x, k));
      for (const c of resources(tf, 'aws_redshift_cluster')) {
        const a = c.attrs;
        const n = named(c);
        if (!truthy(a.encrypted) || !withKey(a.kms_key_id)) v.push(`${n}: not encrypted with the environment key`);
        if (a.publicly_accessible !== false) v.push(`${n}: publicly_accessible is not false`);
        if (!truthy(a.enhanced_vpc_routing)) v.push(`${n}: no enhanced VPC routing`);
        if (!truthy(a.manage_master_password) || a.master_password !== undefined || a.master_password_wo !== undefined) v.push(`${n}: password not managed by Redshift`);
        if (isOneOf(a.master_username, ['awsuser', 'admin', undefined])) v.push(`${n}: default admin user name`);
        if (isOneOf(a.database_name, ['dev', undefined])) v.push(`${n}: default database name`);
        if (!((num(a.automated_snapshot_retention_period) ?? 1) >= 1)) v.push(`${n}: automated snapshots off`);
        if (!a.cluster_subnet_group_name) v.push(`${n}: not in a subnet group of the VPC`);
        if (!list(strs(a.iam_roles)).length) v.push(`${n}: no COPY role`);
        const pg = resources(tf, 'aws_redshift_parameter_group').find((p) => refersTo(a.cluster_parameter_group_name, p));
        const params = Object.fromEntries(blocks(pg?.attrs.parameter).map((p) => [text(p.name), String(p.value)]));
        if (params.require_ssl !== 'true') v.push(`${n}: require_ssl not set`);
        if (params.enable_user_activity_logging !== 'true') v.push(`${n}: enable_user_activity_logging not set`);
        const logging = resources(tf, 'aws_redshift_logging').find((l) => refersTo(l.attrs.cluster_identifier, c));
        if (!logging) v.push(`${n}: no audit logging`);
        else if (!list(strs(logging.attrs.log_exports)).includes('useractivitylog')) v.push(`${n}: user activity not exported`);
      }
      for (const ns of resources(tf, 'aws_redshiftserverless_namespace')) {
        const a = ns.attrs;
        const n = named(ns);
        if (!withKey(a.kms_key_id)) v.push(`${n}: not encrypted with the environment key`);
        if (!truthy(a.manage_admin_password) || a.admin_user_password !== undefined) v.push(`${n}: password not managed`);
        if (isOneOf(a.admin_username, ['admin', 'awsuser', undefined])) v.push(`${n}: default admin user name`);
        if (isOneOf(a.db_name, ['dev', undefined])) v.push(`${n}: default database name`);
        if (!list(strs(a.log_exports)).includes('useractivitylog')) v.push(`${n}: no audit logging`);
      }
      for (const wg of resources(tf, 'aws_redshiftserverless_workgroup')) {
        const a = wg.attrs;
        const n = named(wg);
        if (a.publicly_accessible !== false) v.push(`${n}: publicly_accessible is not false`);
        if (!truthy(a.enhanced_vpc_routing)) v.push(`${n}: no enhanced VPC routing`);
        const params = Object.fromEntries(blocks(a.config_parameter).map((p) => [text(p.parameter_key), String(p.parameter_value)]));
        if (params.require_ssl !== 'true') v.push(`${n}: require_ssl not set`);
        if (params.enable_user_activity_logging !== 'true') v.push(`${n}: enable_user_activity_logging not set`);
      }
      return v;
    },
  },
  {
    id: 'REDSHIFT-COPY-ROLE',
    source: 'issue 5: a COPY role that reads only the staging prefix and decrypts with the key',
    title: 'The warehouse role reads objects only under staging/<dataset>/',
    check(tf, o) {
      const v: string[] = [];
      const staging = bucketsByPurpose(tf, o.environment).get('staging');
      const roleIds = [
        ...resources(tf, 'aws_redshift_cluster').flatMap((c) => list(strs(c.attrs.iam_roles))),
        ...resources(tf, 'aws_redshiftserverless_namespace').flatMap((c) => list(strs(c.attrs.iam_roles))),
      ].flatMap((x) => refs(x, 'aws_iam_role'));
      if (!roleIds.length) return ['no role associated with the warehouse'];
      for (const roleId of roleIds) {
        const pols = resources(tf, 'aws_iam_role_policy').filter((p) => refs(p.attrs.role, 'aws_iam_role').includes(roleId));
        for (const s of pols.flatMap((p) => statementsIn(p.attrs.policy))) {
          if (s.Effect !== 'Allow') continue;
          for (const a of list(s.Action)) {
            if (a.startsWith('s3:') && !['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'].includes(a)) v.push(`COPY role may ${a}`);
            if (a.startsWith('kms:') && a !== 'kms:Decrypt') v.push(`COPY role may ${a}`);
            if (!a.startsWith('s3:') && !a.startsWith('kms:')) v.push(`COPY role may ${a}`);
          }
          if (list(s.Action).includes('s3:GetObject')) {
            for (const r of list(s.Resource)) {
              const ok = staging && refersTo(r, staging) && o.datasets.some((d) => r.endsWith(`/${d}/*`));
              if (!ok) v.push(`COPY role reads ${r}, outside staging/<dataset>/`);
            }
          }
        }
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- Glue
  {
    id: 'GLUE-CRAWLERS',
    source: 'issue 6; checkov CKV_AWS_195 (crawler security configuration), CKV_AWS_99, CKV_AWS_94',
    title: 'One scheduled crawler per dataset with a schema change and recrawl policy and a KMS security configuration',
    check(tf, o) {
      const v: string[] = [];
      const crawlers = resources(tf, 'aws_glue_crawler');
      const keys = resources(tf, 'aws_kms_key');
      for (const d of o.datasets) {
        const c = crawlers.find((x) => String(x.attrs.name).endsWith(`-${d}`));
        if (!c) {
          v.push(`no crawler for dataset ${d}`);
          continue;
        }
        const a = c.attrs;
        if (!/^cron\(.+\)$/.test(str(a.schedule) ?? '')) v.push(`crawler ${d}: no schedule`);
        const scp = block(a.schema_change_policy);
        if (scp?.update_behavior !== 'UPDATE_IN_DATABASE' || scp?.delete_behavior !== 'LOG') v.push(`crawler ${d}: schema change policy is not update-table / log-deletes`);
        const rp = block(a.recrawl_policy);
        if (!rp?.recrawl_behavior) v.push(`crawler ${d}: no recrawl policy`);
        if (rp?.recrawl_behavior === 'CRAWL_NEW_FOLDERS_ONLY' && scp?.update_behavior !== 'LOG') v.push(`crawler ${d}: incremental crawls need schema change LOG (Glue rejects this)`);
        if (!a.security_configuration) v.push(`crawler ${d}: no security configuration`);
        if (!a.database_name || !refs(a.database_name, 'aws_glue_catalog_database').length) v.push(`crawler ${d}: not writing the landing database`);
        const target = block(a.s3_target);
        if (!target || !String(target.path).includes(`/${landingRootOf(o, d)}`)) v.push(`crawler ${d}: does not crawl its landing prefix`);
      }
      for (const sc of resources(tf, 'aws_glue_security_configuration')) {
        const e = block(sc.attrs.encryption_configuration);
        const cw = block(e?.cloudwatch_encryption);
        const jb = block(e?.job_bookmarks_encryption);
        const s3 = block(e?.s3_encryption);
        const key = (x: unknown) => keys.some((k) => refersTo(x, k));
        if (cw?.cloudwatch_encryption_mode !== 'SSE-KMS' || !key(cw?.kms_key_arn)) v.push(`${named(sc)}: CloudWatch not KMS`);
        if (jb?.job_bookmarks_encryption_mode !== 'CSE-KMS' || !key(jb?.kms_key_arn)) v.push(`${named(sc)}: job bookmarks not KMS`);
        if (s3?.s3_encryption_mode !== 'SSE-KMS' || !key(s3?.kms_key_arn)) v.push(`${named(sc)}: S3 not KMS`);
      }
      if (!resources(tf, 'aws_glue_security_configuration').length) v.push('no Glue security configuration');
      for (const ce of resources(tf, 'aws_glue_data_catalog_encryption_settings')) {
        const s = block(ce.attrs.data_catalog_encryption_settings);
        if (block(s?.encryption_at_rest)?.catalog_encryption_mode !== 'SSE-KMS') v.push(`${named(ce)}: catalog not encrypted`);
        if (!truthy(block(s?.connection_password_encryption)?.return_connection_password_encrypted)) v.push(`${named(ce)}: connection passwords not encrypted`);
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- Batch and ECR
  {
    id: 'BATCH-JOBS',
    source: 'issue 7; checkov CKV_AWS_210 (Batch job not privileged); cdk-nag (no public IPs)',
    title: 'Fargate in private subnets; run, drift, plan, partition and load job definitions: not privileged, no public IP, separate roles, env = JOB_ENV, retries 1, 5 and 143 (partition: 1 and 143) only, timeouts',
    check(tf, o) {
      const v: string[] = [];
      for (const ce of resources(tf, 'aws_batch_compute_environment')) {
        const cr = block(ce.attrs.compute_resources);
        if (!isOneOf(cr?.type, ['FARGATE', 'FARGATE_SPOT'])) v.push(`${named(ce)}: not Fargate`);
        if (!list(strs(cr?.subnets)).length || list(strs(cr?.subnets)).some((s) => !refs(s, 'aws_subnet').length)) v.push(`${named(ce)}: not in the VPC's subnets`);
        if (!list(strs(cr?.security_group_ids)).length) v.push(`${named(ce)}: no security group`);
      }
      const defs = jobDefinitions(tf);
      for (const kind of Object.keys(JOB_SHAPES)) {
        const d = defs.find((x) => String(x.r.attrs.name).endsWith(`-${kind}`));
        if (!d) {
          v.push(`no ${kind} job definition`);
          continue;
        }
        const { r, props } = d;
        const n = named(r);
        if (!list(strs(r.attrs.platform_capabilities)).includes('FARGATE')) v.push(`${n}: not Fargate`);
        if (props.privileged === true) v.push(`${n}: privileged`);
        if (props.networkConfiguration?.assignPublicIp !== 'DISABLED') v.push(`${n}: may get a public IP`);
        if (!props.jobRoleArn || !props.executionRoleArn || props.jobRoleArn === props.executionRoleArn) v.push(`${n}: needs separate job and execution roles`);
        if (!refs(props.image, 'aws_ecr_repository').length) v.push(`${n}: image not from the environment's ECR repository`);
        if (JSON.stringify(props.command) !== JSON.stringify(JOB_SHAPES[kind].command)) v.push(`${n}: command ${JSON.stringify(props.command)} is not ${JSON.stringify(JOB_SHAPES[kind].command)}`);
        const names = (props.environment ?? []).map((e) => e.name).sort();
        if (JSON.stringify(names) !== JSON.stringify([...o.jobEnvNames].sort())) v.push(`${n}: environment ${names.join(',')} != what jobs/ reads (${[...o.jobEnvNames].sort().join(',')})`);
        for (const e of props.environment ?? []) {
          const value = String(e.value);
          const literal = value.replace(/\$\{[^}]*\}/g, '');
          if (/password|secret|-----BEGIN|AKIA[0-9A-Z]{16}/i.test(literal)) v.push(`${n}: ${e.name} looks like a secret`);
          const locationOrArn = /^(s3:\/\/|redshift-data:|glue:|arn:)/.test(value) || /^\$\{[^}]+\}$/.test(value) || /^\d+$/.test(value);
          // The one name that is neither: the environment's own CloudWatch namespace (core/metric-names.ts).
          if (e.name === 'RL_METRICS_NAMESPACE') {
            if (value !== `redshift-loader/${o.environment}`) v.push(`${n}: RL_METRICS_NAMESPACE = ${value} is not redshift-loader/${o.environment}`);
            continue;
          }
          if (!locationOrArn) v.push(`${n}: ${e.name} = ${value} is not a location, an ARN or a number`);
        }
        for (const e of props.environment ?? []) if ((o.unsetJobEnvNames ?? []).includes(e.name)) v.push(`${n}: sets ${e.name}, which the jobs must not get`);
        if (props.secrets?.length) v.push(`${n}: injects secrets into the environment`);
        if (props.logConfiguration?.logDriver !== 'awslogs') v.push(`${n}: logs not sent to CloudWatch`);
        if (!((num(block(r.attrs.timeout)?.attempt_duration_seconds) ?? 0) >= 60)) v.push(`${n}: no timeout`);
        const retry = block(r.attrs.retry_strategy);
        const conds = blocks(retry?.evaluate_on_exit);
        const retried = conds.filter((c) => str(c.action)?.toUpperCase() === 'RETRY');
        if (!((num(retry?.attempts) ?? 0) > 1)) v.push(`${n}: no retries`);
        const codes = JOB_SHAPES[kind].retried;
        if (JSON.stringify(retried.map((c) => c.on_exit_code).sort()) !== JSON.stringify([...codes].sort()) || retried.some((c) => c.on_reason || c.on_status_reason)) {
          v.push(`${n}: retries something other than exit codes ${codes.join(', ')}`);
        }
        if (!conds.some((c) => str(c.action)?.toUpperCase() === 'EXIT' && c.on_exit_code === '*')) v.push(`${n}: other exit codes are not told to EXIT`);
      }
      return v;
    },
  },
  {
    id: 'ECR-REPOSITORY',
    source: 'checkov CKV_AWS_51/136/163; tfsec aws-ecr-enable-image-scans, aws-ecr-enforce-immutable-repository, aws-ecr-repository-customer-key',
    title: 'Image repository: immutable tags, scan on push, KMS',
    check(tf) {
      const v: string[] = [];
      for (const r of resources(tf, 'aws_ecr_repository')) {
        if (r.attrs.image_tag_mutability !== 'IMMUTABLE') v.push(`${named(r)}: tags mutable`);
        if (!truthy(block(r.attrs.image_scanning_configuration)?.scan_on_push)) v.push(`${named(r)}: no scan on push`);
        const enc = block(r.attrs.encryption_configuration);
        if (enc?.encryption_type !== 'KMS' || !resources(tf, 'aws_kms_key').some((k) => refersTo(enc?.kms_key, k))) v.push(`${named(r)}: not KMS with the environment key`);
      }
      return v;
    },
  },
  {
    id: 'LOG-GROUPS',
    source: 'checkov CKV_AWS_158, CKV_AWS_338; tfsec aws-cloudwatch-log-group-customer-key',
    title: 'Every log group is encrypted with the key and retained (>= 1 year)',
    check(tf) {
      const v: string[] = [];
      for (const g of resources(tf, 'aws_cloudwatch_log_group')) {
        if (!resources(tf, 'aws_kms_key').some((k) => refersTo(g.attrs.kms_key_id, k))) v.push(`${named(g)}: not encrypted with the key`);
        const days = g.attrs.retention_in_days;
        if (typeof days !== 'number' || !CLOUDWATCH_RETENTION.includes(days) || days < 365) v.push(`${named(g)}: retention ${text(days)}`);
      }
      return v;
    },
  },
  {
    id: 'ENCRYPTED-AT-REST',
    source: 'checkov CKV_AWS_26 (SNS), CKV_AWS_149 (Secrets Manager); cdk-nag SNS2, SF (Step Functions), Scheduler',
    title: 'SNS topics, secrets, the state machine and schedules use the environment key',
    check(tf) {
      const v: string[] = [];
      const withKey = (x: unknown) => resources(tf, 'aws_kms_key').some((k) => refersTo(x, k));
      for (const t of resources(tf, 'aws_sns_topic')) if (!withKey(t.attrs.kms_master_key_id)) v.push(`${named(t)}: not KMS`);
      for (const s of resources(tf, 'aws_secretsmanager_secret')) if (!withKey(s.attrs.kms_key_id)) v.push(`${named(s)}: not KMS`);
      for (const m of resources(tf, 'aws_sfn_state_machine')) {
        const e = block(m.attrs.encryption_configuration);
        if (e?.type !== 'CUSTOMER_MANAGED_KMS_KEY' || !withKey(e?.kms_key_id)) v.push(`${named(m)}: not encrypted with the key`);
      }
      for (const s of resources(tf, 'aws_scheduler_schedule')) if (!withKey(s.attrs.kms_key_arn)) v.push(`${named(s)}: not encrypted with the key`);
      return v;
    },
  },

  // ---------------------------------------------------------------- schedules and alerts
  {
    id: 'SCHEDULES',
    source: 'issue 8: a nightly schedule per dataset in the environment time zone, submitting run with the batch date',
    title: 'EventBridge Scheduler: one nightly schedule per dataset, time zone set, starts the run',
    check(tf, o) {
      const v: string[] = [];
      const schedules = resources(tf, 'aws_scheduler_schedule');
      const machines = resources(tf, 'aws_sfn_state_machine');
      for (const d of o.datasets) {
        const s = schedules.find((x) => inputDataset(block(x.attrs.target)?.input) === d);
        if (!s) {
          v.push(`no schedule for dataset ${d}`);
          continue;
        }
        const n = named(s);
        if (!/^cron\(\d+ \d+ \* \* \? \*\)$/.test(text(s.attrs.schedule_expression))) v.push(`${n}: not nightly (${text(s.attrs.schedule_expression)})`);
        if (!s.attrs.schedule_expression_timezone) v.push(`${n}: no time zone`);
        if (s.attrs.state === 'DISABLED') v.push(`${n}: disabled`);
        const target = block(s.attrs.target)!;
        const toMachine = machines.find((m) => refersTo(target.arn, m));
        const direct = String(target.arn).includes('aws-sdk:batch:submitJob');
        if (!toMachine && !direct) v.push(`${n}: does not start the run`);
        if (toMachine) {
          const text = String(toMachine.attrs.definition);
          const def = JSON.parse(text) as { StartAt?: unknown };
          if (!text.includes('batch:submitJob.sync')) v.push(`${named(toMachine)}: does not run the Batch job (.sync)`);
          if (!/\$batchDate|Execution\.StartTime/.test(text)) v.push(`${named(toMachine)}: does not compute the batch date`);
          const planDef = resources(tf, 'aws_batch_job_definition').find((j) => String(j.attrs.name).endsWith('-plan'));
          if (planDef && !refersTo(text, planDef)) v.push(`${named(toMachine)}: does not submit the plan job definition`);
          if (!def.StartAt) v.push(`${named(toMachine)}: invalid definition`);
          if (text.includes('%{')) v.push(`${named(toMachine)}: contains a Terraform template directive`);
        }
      }
      for (const m of machines) {
        const lc = block(m.attrs.logging_configuration);
        if (!lc?.log_destination || !isOneOf(lc.level, ['ALL', 'ERROR', 'FATAL'])) v.push(`${named(m)}: no execution logging (CKV_AWS_285)`);
        if (!truthy(block(m.attrs.tracing_configuration)?.enabled)) v.push(`${named(m)}: no X-Ray tracing (CKV_AWS_284)`);
      }
      return v;
    },
  },
  {
    id: 'NIGHTLY-STEPS',
    source: 'issue 13 item 3: plan -> Batch array job -> load, sized per dataset, each step with its own retries; least privilege',
    title: 'The nightly machine: plan (with a pointer) -> read the pointer -> partition array of the plan\'s size (one job with --shard 0 for 1 shard) -> load; every Task retries its API errors with backoff; per-dataset sizing; the machine submits only these jobs and reads only plans/*',
    check(tf, o) {
      const v: string[] = [];
      const machine = resources(tf, 'aws_sfn_state_machine')[0];
      if (!machine) return ['no state machine'];
      const def = JSON.parse(text(machine.attrs.definition)) as { StartAt?: string; States?: Record<string, Attrs> };
      const states = def.States ?? {};
      const jobDef = (kind: string) => resources(tf, 'aws_batch_job_definition').find((j) => String(j.attrs.name).endsWith(`-${kind}`));
      const staging = bucketsByPurpose(tf, o.environment).get('staging');
      if (!staging) return ['no staging bucket'];
      const st = (name: string): Attrs => {
        const x = states[name];
        if (!x) v.push(`state ${name} missing`);
        return x ?? {};
      };
      const args = (x: Attrs) => obj(x.Arguments) ?? {};
      const submits = (name: string, kind: string) => {
        const x = st(name);
        if (x.Resource !== 'arn:aws:states:::batch:submitJob.sync') v.push(`${name}: not batch:submitJob.sync`);
        const d = jobDef(kind);
        if (!d || !refersTo(args(x).JobDefinition, d)) v.push(`${name}: does not submit the ${kind} job definition`);
        return x;
      };
      const batchDate = obj(st('BatchDate').Assign) ?? {};
      if (!/^\{% 'plans\/' & .*\$states\.context\.Execution\.Name & '\.json' %\}$/.test(text(batchDate.pointerKey))) v.push(`BatchDate: the pointer key ${text(batchDate.pointerKey)} is not plans/<dataset>/<execution name>.json`);
      const plan = submits('SubmitPlan', 'plan');
      const planParams = obj(args(plan).Parameters) ?? {};
      if (planParams.shards !== '{% $string($sizing.shards) %}') v.push('SubmitPlan: --shards is not the dataset\'s sizing');
      const pointer = text(planParams.pointer);
      if (!refersTo(pointer, staging) || !pointer.endsWith("/' & $pointerKey %}")) v.push(`SubmitPlan: --pointer ${pointer} is not s3://<staging>/<pointer key>`);
      const read = st('ReadPlan');
      if (read.Resource !== 'arn:aws:states:::aws-sdk:s3:getObject') v.push('ReadPlan: not s3:getObject');
      if (!refersTo(args(read).Bucket, staging) || args(read).Key !== '{% $pointerKey %}') v.push('ReadPlan: does not read the pointer plan wrote');
      const assigned = obj(read.Assign) ?? {};
      if (assigned.shards !== '{% $parse($states.result.Body).shards %}' || assigned.plan !== '{% $parse($states.result.Body).plan %}') v.push('ReadPlan: shards and plan are not taken from the pointer');
      const choice = st('Shards');
      const branches = (Array.isArray(choice.Choices) ? choice.Choices : []) as Attrs[];
      if (choice.Type !== 'Choice' || branches.length !== 1 || branches[0].Condition !== '{% $shards >= 2 %}' || branches[0].Next !== 'SubmitShards' || choice.Default !== 'SubmitShard') {
        v.push('Shards: not a Choice of SubmitShards for 2 or more shards, SubmitShard for one');
      }
      const resourcesFromSizing = JSON.stringify([
        { Type: 'VCPU', Value: '{% $string($sizing.vcpu) %}' },
        { Type: 'MEMORY', Value: '{% $string($sizing.memoryMiB) %}' },
      ]);
      const many = submits('SubmitShards', 'partition');
      if (text(obj(args(many).ArrayProperties)?.Size) !== '{% $shards %}') v.push('SubmitShards: the array size is not the plan\'s shard count');
      const one = submits('SubmitShard', 'partition');
      if (args(one).ArrayProperties !== undefined) v.push('SubmitShard: an array job (Batch arrays need 2..10,000 children)');
      const command = (obj(args(one).ContainerOverrides)?.Command ?? []) as unknown[];
      if (JSON.stringify(command) !== JSON.stringify(['partition', '--plan', '{% $plan %}', '--shard', '0'])) v.push(`SubmitShard: command ${JSON.stringify(command)} is not partition --plan <plan> --shard 0`);
      for (const [name, x] of [['SubmitShards', many], ['SubmitShard', one]] as const) {
        if (JSON.stringify(obj(args(x).ContainerOverrides)?.ResourceRequirements) !== resourcesFromSizing) v.push(`${name}: vCPU and memory are not the dataset's sizing`);
        if (x.Next !== 'SubmitLoad') v.push(`${name}: is not followed by SubmitLoad`);
      }
      const load = submits('SubmitLoad', 'load');
      if (obj(args(load).Parameters)?.plan !== '{% $plan %}' || load.End !== true) v.push('SubmitLoad: does not load the plan, or is not the end');
      if (plan.Next !== 'ReadPlan' || read.Next !== 'Shards') v.push('plan -> ReadPlan -> Shards is not the order');
      for (const [name, x] of Object.entries(states)) {
        if (x.Type !== 'Task') continue;
        const retries = (Array.isArray(x.Retry) ? x.Retry : []) as Attrs[];
        if (name !== 'Alert' && !retries.length) v.push(`${name}: no Retry of its own`);
        for (const r of retries) {
          const errors = list(r.ErrorEquals as string[]);
          if (errors.some((e) => ['States.ALL', 'States.TaskFailed'].includes(e))) v.push(`${name}: retries ${errors.join(',')}, which includes a job that ran and failed (Batch retries jobs)`);
          if (!((num(r.BackoffRate) ?? 1) > 1) || !((num(r.MaxAttempts) ?? 0) >= 1)) v.push(`${name}: retries without backoff`);
        }
        if (!Array.isArray(x.Catch) && name !== 'Alert') v.push(`${name}: no Catch to the alert`);
      }
      if (o.sizing !== undefined) {
        const sizes = obj(batchDate.sizes);
        if (JSON.stringify(sizes) !== JSON.stringify(o.sizing)) v.push(`BatchDate: sizing ${JSON.stringify(sizes)} is not the environment's ${JSON.stringify(o.sizing)}`);
      }

      // The machine's role: these three job definitions on the queue, the pointers, nothing else.
      const roleIds = refs(machine.attrs.role_arn, 'aws_iam_role');
      const grants = resources(tf, 'aws_iam_role_policy')
        .filter((p) => refs(p.attrs.role, 'aws_iam_role').some((id) => roleIds.includes(id)))
        .flatMap((p) => statementsIn(p.attrs.policy))
        .filter((s) => s.Effect === 'Allow');
      const on = (action: string) => grants.filter((s) => list(s.Action).some((a) => actionMatches(a, action))).flatMap((s) => list(s.Resource));
      const queue = resources(tf, 'aws_batch_job_queue')[0];
      const submitted = on('batch:SubmitJob');
      const prefix = `job-definition/redshift-loader-${o.environment}-`;
      const wanted = ['plan', 'partition', 'load'].flatMap((k) => [`${prefix}${k}`, `${prefix}${k}:*`]);
      const jobDefs = submitted.filter((r) => r.includes(':job-definition/')).map((r) => r.slice(r.indexOf('job-definition/'))).sort();
      if (JSON.stringify(jobDefs) !== JSON.stringify([...wanted].sort())) v.push(`the machine may submit ${jobDefs.join(', ')}; only ${wanted.join(', ')}`);
      if (!queue || !submitted.some((r) => refersTo(r, queue))) v.push('the machine may not submit to the queue');
      if (submitted.some((r) => !r.includes(':job-definition/') && !(queue && refersTo(r, queue)))) v.push(`the machine may submit on ${submitted.join(', ')}`);
      const s3 = grants.filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));
      const s3Resources = s3.flatMap((s) => list(s.Resource));
      const s3Actions = s3.flatMap((s) => list(s.Action));
      if (JSON.stringify(s3Actions) !== JSON.stringify(['s3:GetObject']) || s3Resources.length !== 1 || !refersTo(s3Resources[0], staging) || !s3Resources[0].endsWith('}/plans/*')) {
        v.push(`the machine's S3 access is ${s3Actions.join(',')} on ${s3Resources.join(', ')}; only s3:GetObject on <staging>/plans/*`);
      }
      const viaS3 = grants.filter((s) => list(s.Action).includes('kms:Decrypt') && list(s.Condition?.StringEquals?.['kms:ViaService'] as string | string[] | undefined).some((x) => x.startsWith('s3.')));
      if (!viaS3.length) v.push('the machine cannot decrypt the pointer through S3');
      if (viaS3.some((s) => list(s.Action).some((a) => a !== 'kms:Decrypt'))) v.push('the machine may do more than kms:Decrypt through S3');
      // The job role writes the pointers.
      const jobRoleIds = jobDefinitions(tf).flatMap((j) => refs(j.props.jobRoleArn, 'aws_iam_role'));
      const jobGrants = resources(tf, 'aws_iam_role_policy')
        .filter((p) => refs(p.attrs.role, 'aws_iam_role').some((id) => jobRoleIds.includes(id)))
        .flatMap((p) => statementsIn(p.attrs.policy));
      if (!jobGrants.some((s) => s.Effect === 'Allow' && list(s.Action).includes('s3:PutObject') && list(s.Resource).some((r) => refersTo(r, staging) && r.endsWith('}/plans/*')))) {
        v.push('the job role cannot write <staging>/plans/* (plan --pointer)');
      }
      return v;
    },
  },
  {
    id: 'DRIFT-AFTER-CRAWL',
    source: 'issue 8: a rule on Glue Crawler State Change (Succeeded) per crawler submits the drift job',
    title: 'Each crawler success submits the drift job of its dataset',
    check(tf, o) {
      const v: string[] = [];
      const rules = resources(tf, 'aws_cloudwatch_event_rule');
      const targets = resources(tf, 'aws_cloudwatch_event_target');
      const crawlers = resources(tf, 'aws_glue_crawler');
      const driftDef = resources(tf, 'aws_batch_job_definition').find((j) => String(j.attrs.name).endsWith('-drift'));
      const queue = resources(tf, 'aws_batch_job_queue')[0];
      for (const d of o.datasets) {
        const crawler = crawlers.find((c) => String(c.attrs.name).endsWith(`-${d}`));
        const rule = rules.find((r) => {
          const p = eventPattern(r);
          return (
            list(p.source).includes('aws.glue') &&
            list(p['detail-type']).includes('Glue Crawler State Change') &&
            list(p.detail?.state).includes('Succeeded') &&
            crawler !== undefined &&
            isOneOf(crawler.attrs.name, list(p.detail?.crawlerName))
          );
        });
        if (!rule) {
          v.push(`no crawler-succeeded rule for ${d}`);
          continue;
        }
        const t = targets.find((x) => refersTo(x.attrs.rule, rule));
        if (!t) v.push(`${named(rule)}: no target`);
        else {
          if (!queue || !refersTo(t.attrs.arn, queue)) v.push(`${named(rule)}: target is not the job queue`);
          if (!driftDef || !refersTo(block(t.attrs.batch_target)?.job_definition, driftDef)) v.push(`${named(rule)}: does not submit the drift job`);
          if (inputDataset(t.attrs.input) !== d) v.push(`${named(rule)}: does not pass dataset ${d}`);
          if (!t.attrs.role_arn) v.push(`${named(rule)}: target has no role`);
        }
      }
      return v;
    },
  },
  {
    id: 'ALERTS',
    source: 'issue 8: SNS (KMS) gets Batch job failures and breaking-drift reports, with an e-mail subscription',
    title: 'Batch failures and breaking drift go to the alert topic; the topic has an e-mail subscription',
    check(tf) {
      const v: string[] = [];
      const topic = resources(tf, 'aws_sns_topic')[0];
      if (!topic) return ['no alert topic'];
      if (!resources(tf, 'aws_sns_topic_subscription').some((s) => s.attrs.protocol === 'email' && refersTo(s.attrs.topic_arn, topic) && /@/.test(str(s.attrs.endpoint) ?? ''))) {
        v.push('no e-mail subscription to the alert topic');
      }
      const toTopic = resources(tf, 'aws_cloudwatch_event_target').filter((t) => refersTo(t.attrs.arn, topic));
      const patterns = toTopic.flatMap((t) => resources(tf, 'aws_cloudwatch_event_rule').filter((r) => refersTo(t.attrs.rule, r)).map(eventPattern));
      const batchFailed = (p: EventPattern) => list(p.source).includes('aws.batch') && list(p['detail-type']).includes('Batch Job State Change') && list(p.detail?.status).includes('FAILED');
      if (!patterns.some(batchFailed)) v.push('Batch job failures do not reach the alert topic');
      if (!patterns.some((p) => batchFailed(p) && JSON.stringify(p.detail?.container?.exitCode) === '[3]')) v.push('breaking drift (exit 3) does not reach the alert topic');
      for (const t of resources(tf, 'aws_cloudwatch_event_target')) {
        const it = block(t.attrs.input_transformer);
        if (!it) continue;
        const defined = Object.keys(it.input_paths ?? {});
        for (const m of String(it.input_template).matchAll(/<([^<>]+)>/g)) {
          if (!defined.includes(m[1]) && m[1] !== 'aws.events.event' && m[1] !== 'aws.events.event.json') v.push(`${named(t)}: placeholder <${m[1]}> has no input path`);
        }
      }
      const topicPolicy = resources(tf, 'aws_sns_topic_policy').find((p) => refersTo(p.attrs.arn, topic));
      if (!topicPolicy) v.push('alert topic has no policy letting EventBridge publish');
      return v;
    },
  },

  // ---------------------------------------------------------------- warehouse login
  {
    id: 'WAREHOUSE-IAM-LOGIN',
    source: 'issue: the jobs log in as the least-privileged ETL user through IAM, not as the admin; cdk-nag IAM5, checkov CKV_AWS_355/356 (least privilege)',
    title: 'Job role: no Secrets Manager, no RL_SECRET_ARN; GetClusterCredentials only for the ETL user\'s dbuser and the dbname ARN (no AutoCreate, groups or IAMR users); Data API and GetCredentials on this warehouse only',
    check(tf, o) {
      const v: string[] = [];
      const defs = jobDefinitions(tf);
      const roleIds = [...new Set(defs.flatMap((d) => refs(d.props.jobRoleArn, 'aws_iam_role')))];
      if (!roleIds.length) return ['the job definitions name no job role of this stack'];
      const onJobRole = (attr: unknown) => refs(attr, 'aws_iam_role').some((id) => roleIds.includes(id));
      const allows = resources(tf, 'aws_iam_role_policy')
        .filter((p) => onJobRole(p.attrs.role))
        .flatMap((p) => statementsIn(p.attrs.policy).map((s) => ({ where: `${named(p)} ${s.Sid ?? ''}`, s })))
        .filter(({ s }) => s.Effect === 'Allow');
      for (const r of resources(tf, 'aws_iam_role_policy_attachment')) if (onJobRole(r.attrs.role)) v.push(`${named(r)}: a managed policy on the job role (${text(r.attrs.policy_arn)})`);
      const granting = (action: string) => allows.filter(({ s }) => list(s.Action).some((a) => actionMatches(a, action)));
      const resourcesFor = (action: string) => granting(action).flatMap(({ s }) => list(s.Resource));

      // No secret: neither in the policies nor in the environment.
      for (const { where, s } of allows) {
        for (const a of list(s.Action)) if (actionMatches(a, 'secretsmanager:GetSecretValue') || /^secretsmanager:/i.test(a)) v.push(`${where}: the job role may ${a}`);
        const via = s.Condition?.StringEquals?.['kms:ViaService'];
        if (list(via as string | string[] | undefined).some((x) => x.startsWith('secretsmanager.'))) v.push(`${where}: the job role may use the key through Secrets Manager`);
      }
      for (const forbidden of ['redshift:GetClusterCredentialsWithIAM', 'redshift:CreateClusterUser', 'redshift:JoinGroup']) {
        for (const { where } of granting(forbidden)) v.push(`${where}: the job role may ${forbidden}`);
      }
      const locals = ((tf as Attrs).locals ?? {}) as Attrs;
      const expand = (value: string) => value.replace(/\$\{local\.([A-Za-z0-9_-]+)\}/g, (m, k: string) => (k in locals ? JSON.stringify(locals[k]) : m));
      const uris = new Set<string>();
      for (const { r, props } of defs) {
        const env = Object.fromEntries((props.environment ?? []).map((e: Attrs) => [e.name, String(e.value)])) as Record<string, string>;
        for (const k of o.unsetJobEnvNames ?? []) if (k in env) v.push(`${named(r)}: sets ${k}`);
        for (const [k, value] of Object.entries(env)) {
          if (/secretsmanager|secret_arn|aws_secretsmanager_secret/i.test(expand(value))) v.push(`${named(r)}: ${k} refers to a secret`);
        }
        if (!env.RL_WAREHOUSE) v.push(`${named(r)}: no RL_WAREHOUSE`);
        else uris.add(env.RL_WAREHOUSE);
      }
      const dataApi = ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'];
      const arnOf = (type: string, rest: string) => new RegExp(`^arn:aws[a-z-]*:redshift:[a-z0-9-]+:(\\d{12}|\\$\\{[^}]+\\}):${type}:${rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

      for (const c of resources(tf, 'aws_redshift_cluster')) {
        const id = String(c.attrs.cluster_identifier);
        const db = String(c.attrs.database_name);
        const users = new Set<string>();
        for (const uri of uris) {
          const m = /^redshift-data:cluster\/([^/?]+)\/([^/?]+)\?user=([a-z_][a-z0-9_]*)$/.exec(uri);
          if (!m || m[1] !== id || m[2] !== db) v.push(`RL_WAREHOUSE ${uri} is not redshift-data:cluster/${id}/${db}?user=<etl user>`);
          else users.add(m[3]);
        }
        if (users.size > 1) v.push(`the job definitions log in as different users: ${[...users].join(', ')}`);
        const user = [...users][0];
        if (!user) continue;
        if (user === c.attrs.master_username) v.push(`the jobs log in as the admin user ${user}`);
        const creds = resourcesFor('redshift:GetClusterCredentials');
        if (!creds.length) v.push(`the job role cannot get temporary credentials for ${user}`);
        const wanted = [
          { name: `dbuser:${id}/${user}`, re: arnOf('dbuser', `${id}/${user}`) },
          { name: `dbname:${id}/${db}`, re: arnOf('dbname', `${id}/${db}`) },
        ];
        for (const r of creds) if (!wanted.some((w) => w.re.test(r))) v.push(`redshift:GetClusterCredentials on ${r}: only ${wanted.map((w) => w.name).join(' and ')}`);
        for (const w of wanted) if (creds.length && !creds.some((r) => w.re.test(r))) v.push(`redshift:GetClusterCredentials not limited to the ARN ${w.name}`);
        for (const a of dataApi) {
          const rs = resourcesFor(a);
          if (!rs.length) v.push(`the job role cannot ${a}`);
          for (const r of rs) if (!arnOf('cluster', id).test(r)) v.push(`${a} on ${r}: only cluster:${id}`);
        }
        if (granting('redshift-serverless:GetCredentials').length) v.push('the job role may redshift-serverless:GetCredentials without a workgroup');
      }

      for (const wg of resources(tf, 'aws_redshiftserverless_workgroup')) {
        const ns = resources(tf, 'aws_redshiftserverless_namespace').find((n) => refersTo(wg.attrs.namespace_name, n));
        const expected = `redshift-data:workgroup/${text(wg.attrs.workgroup_name)}/${text(ns?.attrs.db_name)}`;
        for (const uri of uris) if (uri !== expected) v.push(`RL_WAREHOUSE ${uri} is not ${expected} (the job role's own identity, IAMR:<role>)`);
        const creds = resourcesFor('redshift-serverless:GetCredentials');
        if (!creds.length) v.push('the job role cannot redshift-serverless:GetCredentials');
        for (const r of creds) if (!refersTo(r, wg)) v.push(`redshift-serverless:GetCredentials on ${r}: only ${named(wg)}`);
        for (const a of dataApi) {
          const rs = resourcesFor(a);
          if (!rs.length) v.push(`the job role cannot ${a}`);
          for (const r of rs) if (!refersTo(r, wg)) v.push(`${a} on ${r}: only ${named(wg)}`);
        }
        if (granting('redshift:GetClusterCredentials').length) v.push('the job role may redshift:GetClusterCredentials without a cluster');
      }
      return v;
    },
  },

  // ---------------------------------------------------------------- IAM
  {
    id: 'DATASET-PREFIXES',
    source: 'issue 11 item 6: every contract gets its crawler and grants, each scoped to its own prefix',
    title: "Every dataset's crawler targets its own landing prefix, and the crawler, COPY and job roles are granted that dataset's prefixes",
    check(tf, o) {
      const v: string[] = [];
      const buckets = bucketsByPurpose(tf, o.environment);
      const [landing, staging, reports] = ['landing', 'staging', 'reports'].map((p) => buckets.get(p));
      if (!landing || !staging || !reports) return ['landing, staging or reports bucket missing'];
      const grantsOf = (roleIds: string[]): PolicyStatement[] =>
        resources(tf, 'aws_iam_role_policy')
          .filter((p) => refs(p.attrs.role, 'aws_iam_role').some((id) => roleIds.includes(id)))
          .flatMap((p) => statementsIn(p.attrs.policy))
          .filter((s) => s.Effect === 'Allow');
      const grants = (st: PolicyStatement[], action: string, match: (r: string) => boolean): boolean =>
        st.some((s) => list(s.Action).includes(action) && list(s.Resource).some(match));
      const under = (bucket: Resource, d: string) => (r: string): boolean => refersTo(r, bucket) && r.replace(/^\$\{[^}]+\}/, '') === `/${d}/*`;
      const copyRole = grantsOf([
        ...resources(tf, 'aws_redshift_cluster').flatMap((c) => list(strs(c.attrs.iam_roles))),
        ...resources(tf, 'aws_redshiftserverless_namespace').flatMap((c) => list(strs(c.attrs.iam_roles))),
      ].flatMap((x) => refs(x, 'aws_iam_role')));
      const jobRole = grantsOf(jobDefinitions(tf).flatMap((j) => refs(j.props.jobRoleArn, 'aws_iam_role')));
      const crawlers = resources(tf, 'aws_glue_crawler');
      for (const d of o.datasets) {
        const c = crawlers.find((x) => String(x.attrs.name).endsWith(`-${d}`));
        if (!c) {
          v.push(`no crawler for dataset ${d}`);
          continue;
        }
        const targets = blocks(c.attrs.s3_target).map((t) => text(t.path));
        const root = landingRootOf(o, d);
        const underRoot = (r: string): boolean => refersTo(r, landing) && r.replace(/^\$\{[^}]+\}/, '') === `/${root}*`;
        if (!targets.length || !targets.every((t) => refersTo(t, landing) && t.endsWith(`}/${root}`))) v.push(`crawler ${d}: targets ${targets.join(', ')}, not landing ${root}`);
        if (!grants(grantsOf(refs(c.attrs.role, 'aws_iam_role')), 's3:GetObject', underRoot)) v.push(`crawler ${d}: its role cannot read landing ${root}`);
        if (!grants(copyRole, 's3:GetObject', under(staging, d))) v.push(`COPY role cannot read staging ${d}/`);
        if (!grants(jobRole, 's3:GetObject', underRoot)) v.push(`job role cannot read landing ${root}`);
        if (!grants(jobRole, 's3:PutObject', under(staging, d))) v.push(`job role cannot write staging ${d}/`);
        if (!grants(jobRole, 's3:PutObject', under(reports, d))) v.push(`job role cannot write reports ${d}/`);
        if (!grants(jobRole, 'glue:StartCrawler', (r) => r.endsWith(`:crawler/${text(c.attrs.name)}`))) v.push(`job role cannot start crawler ${d}`);
      }
      return v;
    },
  },
  {
    id: 'CONTRACTS-LOCATION',
    source: 'issue 11 item 4; least privilege',
    title: 'with a contractsPrefix the job role lists and reads exactly that landing prefix and RL_CONTRACTS names it; without one, neither',
    check(tf, o) {
      const v: string[] = [];
      const landing = bucketsByPurpose(tf, o.environment).get('landing');
      if (!landing) return ['no landing bucket'];
      const prefix = o.contractsPrefix;
      const datasetRoots = o.datasets.map((d) => landingRootOf(o, d));
      let reads = false;
      let lists = false;
      for (const p of policies(tf).filter((x) => x.kind === 'identity')) {
        for (const s of p.statements) {
          const actions = list(strs(s.Action));
          for (const res of list(strs(s.Resource))) {
            if (!refersTo(res, landing)) continue;
            const key = res.replace(/^\$\{[^}]+\}/, '');
            if (key === '') {
              // The bucket itself: listing, limited to dataset roots and the contracts prefix.
              const listed = list(strs((s.Condition?.StringLike ?? {})['s3:prefix']));
              if (!listed.length) v.push(`${p.where} ${s.Sid}: lists the whole landing bucket`);
              for (const l of listed) {
                if (prefix !== undefined && l === `${prefix}*`) lists = lists || actions.includes('s3:ListBucket');
                else if (!datasetRoots.some((r) => l === `${r}*`)) v.push(`${p.where} ${s.Sid}: lists landing prefix ${l}, neither a dataset root nor the contracts prefix`);
              }
            } else if (prefix !== undefined && key === `/${prefix}*`) {
              const extra = actions.filter((a) => a !== 's3:GetObject');
              if (extra.length) v.push(`${p.where} ${s.Sid}: ${extra.join(',')} on the contracts prefix (read only)`);
              reads = reads || actions.includes('s3:GetObject');
            } else if (!datasetRoots.some((r) => key === `/${r}*`)) {
              v.push(`${p.where} ${s.Sid}: landing objects ${key}, neither a dataset root nor the contracts prefix`);
            }
          }
        }
      }
      if (prefix !== undefined && !reads) v.push(`job role cannot read s3 objects under the contracts prefix ${prefix}`);
      if (prefix !== undefined && !lists) v.push(`job role cannot list the contracts prefix ${prefix}`);
      for (const { r, props } of jobDefinitions(tf)) {
        const env = Object.fromEntries((props.environment ?? []).map((e) => [e.name, text(e.value)]));
        if (prefix === undefined) {
          if ('RL_CONTRACTS' in env) v.push(`${named(r)}: sets RL_CONTRACTS without a contractsPrefix`);
        } else if (env.RL_CONTRACTS !== `${env.RL_LANDING}/${prefix}`) {
          v.push(`${named(r)}: RL_CONTRACTS = ${env.RL_CONTRACTS} is not ${env.RL_LANDING}/${prefix}`);
        }
      }
      return v;
    },
  },
  {
    id: 'IAM-NO-WILDCARD-ACTIONS',
    source: 'checkov CKV_AWS_62/63/286-290/355, CKV2_AWS_40; tfsec aws-iam-no-policy-wildcards; cdk-nag IAM5',
    title: 'No Allow with Action "*" or "service:*", no NotAction/NotResource in an Allow',
    check(tf) {
      const v: string[] = [];
      for (const { p, s } of statementsOf(policies(tf), ['identity', 'trust', 'bucket', 'key', 'topic', 'endpoint', 'secret', 'other'])) {
        if (s.Effect !== 'Allow') continue;
        for (const a of list(s.Action)) if (isWildcardAction(a)) v.push(`${p.where} ${s.Sid ?? ''}: action ${a}`);
        if (s.NotAction) v.push(`${p.where} ${s.Sid ?? ''}: NotAction in an Allow`);
        if (s.NotResource) v.push(`${p.where} ${s.Sid ?? ''}: NotResource in an Allow`);
      }
      return v;
    },
  },
  {
    id: 'IAM-NO-DATA-ACTIONS-ON-STAR',
    source: 'issue tests: no data action on resource "*"; checkov CKV_AWS_107/108/109/110/111/356; cdk-nag IAM5',
    title: 'Identity, bucket, topic and endpoint policies never allow a data action on "*"',
    check(tf) {
      const v: string[] = [];
      for (const { p, s } of statementsOf(policies(tf), ['identity', 'bucket', 'topic', 'endpoint', 'secret', 'other'])) {
        if (s.Effect !== 'Allow' || !list(s.Resource).includes('*')) continue;
        for (const a of list(s.Action)) {
          if (DATA_ACTIONS.some((d) => actionMatches(a, d))) v.push(`${p.where} ${s.Sid ?? ''}: ${a} on "*"`);
        }
      }
      return v;
    },
  },
  {
    id: 'IAM-STAR-ONLY-ALLOW-LIST',
    source: 'cdk-nag IAM5 (resource wildcards); checkov CKV_AWS_355',
    title: 'Resource "*" in identity policies only for actions AWS supports on "*" alone; Data API statement actions only for the caller\'s own statements',
    check(tf) {
      const v: string[] = [];
      for (const { p, s } of statementsOf(policies(tf), ['identity'])) {
        if (s.Effect !== 'Allow' || !list(s.Resource).includes('*')) continue;
        for (const a of list(s.Action)) {
          if (!(a in STAR_ONLY_ACTIONS)) v.push(`${p.where} ${s.Sid ?? ''}: ${a} on "*" is not on the allow-list`);
          if (a.startsWith('redshift-data:') && !conditionKeys(s).includes(STATEMENT_OWNER_KEY)) v.push(`${p.where} ${s.Sid ?? ''}: ${a} without ${STATEMENT_OWNER_KEY}`);
        }
      }
      return v;
    },
  },
  {
    id: 'IAM-PRINCIPALS',
    source: 'checkov CKV_AWS_33/70/283; tfsec aws-sns-topic-no-public-access; cdk-nag confused deputy',
    title: 'No Allow to Principal "*" without a condition; trust policies name one service and the account',
    check(tf) {
      const v: string[] = [];
      const found = policies(tf);
      for (const { p, s } of statementsOf(found, ['bucket', 'key', 'topic', 'endpoint', 'secret', 'other'])) {
        if (s.Effect !== 'Allow' || !principalIsStar(s.Principal)) continue;
        const ecrLayers = list(s.Resource).every((r) => r.includes('starport-layer-bucket')) && list(s.Action).every((a) => a === 's3:GetObject');
        if (!s.Condition && !ecrLayers) v.push(`${p.where} ${s.Sid ?? ''}: Principal "*" without a condition`);
      }
      for (const { p, s } of statementsOf(found, ['trust'])) {
        const service = (s.Principal as { Service?: unknown } | undefined)?.Service;
        if (!service || principalIsStar(s.Principal) || (s.Principal as { AWS?: unknown }).AWS) v.push(`${p.where}: trust is not a service principal`);
        if (!conditionKeys(s).includes('aws:SourceAccount')) v.push(`${p.where}: trust without aws:SourceAccount (confused deputy)`);
      }
      for (const r of resources(tf, 'aws_iam_role_policy_attachment')) {
        if (/AdministratorAccess|PowerUserAccess|FullAccess/.test(str(r.attrs.policy_arn) ?? '')) v.push(`${named(r)}: broad managed policy ${text(r.attrs.policy_arn)}`);
      }
      for (const r of resources(tf, 'aws_iam_role')) if (r.attrs.inline_policy) v.push(`${named(r)}: inline_policy block (use aws_iam_role_policy)`);
      return v;
    },
  },
  ...EVENT_LOADING_RULES,
  ...MONITORING_RULES,
];

/** Every violation of every rule in one stack, as "RULE-ID: message". */
export function checkStack(tf: TfJson, o: CheckOptions, rules: Rule[] = RULES): string[] {
  return rules.flatMap((r) => r.check(tf, o).map((m) => `${r.id}: ${m}`));
}
