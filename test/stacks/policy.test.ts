// The policy suite over the synthesized JSON of every environment (what `npm run synth` writes), and
// proof that each rule catches the fault it is about: a rule that passes a broken stack is a defect.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkStack, RULES, STAR_ONLY_ACTIONS } from './policy/rules.ts';
import { arrAt, list, obj, objAt, resources, strAt, text, type Attrs, type ContainerProperties, type PolicyStatement, type TfJson } from './policy/tf.ts';
import { dev as devSettings, type EnvironmentSettings } from '../../stacks/environments.ts';
import { checkOptions, synthesizedEnvironments, synthStack } from './support.ts';

const envs = synthesizedEnvironments();
const DATASET_NAMES = checkOptions('dev').datasets.slice().sort();

describe('every synthesized environment passes the policy suite', () => {
  it('synthesizes at least two environments, dev and prod among them', () => {
    assert.ok(envs.size >= 2, `${envs.size} environments`);
    assert.ok(envs.has('dev') && envs.has('prod'), [...envs.keys()].join(','));
  });
  for (const [env, tf] of envs) {
    for (const rule of RULES) {
      it(`${env}: ${rule.id} — ${rule.title} [${rule.source}]`, () => {
        assert.deepEqual(rule.check(tf, checkOptions(env)), []);
      });
    }
  }
});

describe('a serverless environment passes the policy suite', () => {
  const serverless: EnvironmentSettings = { ...devSettings, warehouse: { kind: 'serverless', baseCapacity: 8, maxCapacity: 64, slices: 4 } };
  const { tf } = synthStack(serverless);
  for (const rule of RULES) {
    it(`serverless: ${rule.id}`, () => {
      assert.deepEqual(rule.check(tf, checkOptions('dev')), []);
    });
  }
  const login = RULES.filter((r) => r.id === 'WAREHOUSE-IAM-LOGIN');
  const faults: Array<[string, (tf: TfJson) => void]> = [
    ['GetCredentials on every workgroup', (t) => jobStatement(t, 'IamCredentialsForThisWorkgroup', (s) => (s.Resource = ['arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/*']))],
    ['the admin secret in the warehouse URI', (t) => setJobEnv(t, 'RL_WAREHOUSE', `${jobEnvValue(t, 'RL_WAREHOUSE')}?secret=arn:aws:secretsmanager:eu-west-1:123456789012:secret:x`)],
    ['the job role reads a secret', (t) => editPolicy(jobPolicy(t), 'policy', (s) => s.push({ Sid: 'Read', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:x'] }))],
  ];
  for (const [fault, apply] of faults) {
    it(`serverless: WAREHOUSE-IAM-LOGIN catches: ${fault}`, () => {
      const t = structuredClone(tf);
      apply(t);
      assert.ok(checkStack(t, checkOptions('dev'), login).length > 0, fault);
    });
  }
});

// ---------------------------------------------------------------- the rules catch what they are for

function find(tf: TfJson, type: string, pred: (a: Attrs) => boolean): Attrs {
  const r = resources(tf, type).find((x) => pred(x.attrs));
  if (!r) throw new Error(`no ${type} matching`);
  return r.attrs;
}

function named(tf: TfJson, type: string, name: string): Attrs {
  return find(tf, type, (a) => a.name === name);
}

function editPolicy(attrs: Attrs, attr: string, edit: (s: PolicyStatement[]) => void): void {
  const doc = JSON.parse(strAt(attrs, attr)) as { Statement: PolicyStatement[] };
  edit(doc.Statement);
  attrs[attr] = JSON.stringify(doc);
}

function addResource(tf: TfJson, type: string, id: string, attrs: Attrs): void {
  tf.resource![type] = { ...(tf.resource![type] ?? {}), [id]: attrs };
}

function removeType(tf: TfJson, type: string, pred: (a: Attrs) => boolean = () => true): void {
  for (const [id, a] of Object.entries(tf.resource![type] ?? {})) if (pred(a)) delete tf.resource![type][id];
}

function jobDef(tf: TfJson, kind: 'run' | 'drift'): { attrs: Attrs; props: ContainerProperties; save(): void } {
  const attrs = named(tf, 'aws_batch_job_definition', `redshift-loader-dev-${kind}`);
  const props = JSON.parse(strAt(attrs, 'container_properties')) as ContainerProperties;
  return { attrs, props, save: () => (attrs.container_properties = JSON.stringify(props)) };
}

const jobPolicy = (tf: TfJson) => named(tf, 'aws_iam_role_policy', 'redshift-loader-dev-run-and-drift');

function jobStatement(tf: TfJson, sid: string, edit: (s: PolicyStatement) => void): void {
  editPolicy(jobPolicy(tf), 'policy', (st) => edit(st.find((x) => x.Sid === sid)!));
}

function setJobEnv(tf: TfJson, name: string, value: string): void {
  for (const kind of ['run', 'drift'] as const) {
    const j = jobDef(tf, kind);
    const e = j.props.environment!.find((x) => x.name === name);
    if (e) e.value = value;
    else j.props.environment!.push({ name, value });
    j.save();
  }
}

function jobEnvValue(tf: TfJson, name: string): string {
  return text(jobDef(tf, 'run').props.environment!.find((x) => x.name === name)!.value);
}

/** The landing bucket's ARN as the stack refers to it. */
function landingArn(tf: TfJson): string {
  const b = resources(tf, 'aws_s3_bucket').find((x) => text(x.attrs.bucket).includes('-landing-'))!;
  return `\${aws_s3_bucket.${b.id}.arn}`;
}

/** Edits the nightly state machine's definition in place. */
function editMachine(tf: TfJson, edit: (states: Record<string, Attrs>) => void): void {
  const m = find(tf, 'aws_sfn_state_machine', () => true);
  const def = JSON.parse(strAt(m, 'definition')) as { States: Record<string, Attrs> };
  edit(def.States);
  m.definition = JSON.stringify(def);
}

const machinePolicy = (tf: TfJson) => named(tf, 'aws_iam_role_policy', 'redshift-loader-dev-nightly-run');

const ADMIN_SECRET = '${aws_redshift_cluster.warehouse_cluster_1234ABCD.master_password_secret_arn}';

const FAULTS: Array<{ rule: string; fault: string; apply(tf: TfJson): void }> = [
  { rule: 'PRESENT-PARTS', fault: 'no alert topic', apply: (tf) => removeType(tf, 'aws_sns_topic') },
  { rule: 'PRESENT-PARTS', fault: 'no warehouse', apply: (tf) => removeType(tf, 'aws_redshift_cluster') },
  { rule: 'NAMES-CARRY-ENV', fault: 'a log group without the environment', apply: (tf) => (find(tf, 'aws_cloudwatch_log_group', (a) => text(a.name).includes('batch')).name = '/loader/batch') },
  { rule: 'STATE-BACKEND', fault: 'state without a lock', apply: (tf) => delete objAt(tf.terraform, 'backend', 's3').use_lockfile },
  { rule: 'NET-PRIVATE-SUBNETS', fault: 'public IPs on launch', apply: (tf) => (find(tf, 'aws_subnet', () => true).map_public_ip_on_launch = true) },
  { rule: 'NET-PRIVATE-SUBNETS', fault: 'one AZ', apply: (tf) => resources(tf, 'aws_subnet').forEach((s) => (s.attrs.availability_zone = 'eu-west-1a')) },
  {
    rule: 'NET-NO-INTERNET-ROUTE',
    fault: 'an internet gateway and a default route',
    apply: (tf) => {
      addResource(tf, 'aws_internet_gateway', 'igw', { vpc_id: '${aws_vpc.x.id}' });
      addResource(tf, 'aws_route', 'default', { route_table_id: 'rt', destination_cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.igw.id}' });
    },
  },
  { rule: 'NET-ENDPOINTS', fault: 'no KMS endpoint', apply: (tf) => removeType(tf, 'aws_vpc_endpoint', (a) => text(a.service_name).endsWith('.kms')) },
  { rule: 'NET-ENDPOINTS', fault: 'endpoint without private DNS', apply: (tf) => (find(tf, 'aws_vpc_endpoint', (a) => text(a.service_name).endsWith('.sts')).private_dns_enabled = false) },
  { rule: 'NET-FLOW-LOGS', fault: 'no flow log', apply: (tf) => removeType(tf, 'aws_flow_log') },
  { rule: 'NET-DEFAULT-SG-CLOSED', fault: 'default SG with a rule', apply: (tf) => (find(tf, 'aws_default_security_group', () => true).egress = [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['10.0.0.0/8'] }]) },
  { rule: 'NET-SG-DESCRIPTIONS', fault: 'rule without description', apply: (tf) => delete find(tf, 'aws_vpc_security_group_egress_rule', () => true).description },
  {
    rule: 'NET-NO-OPEN-INGRESS',
    fault: 'ingress from 0.0.0.0/0',
    apply: (tf) => addResource(tf, 'aws_vpc_security_group_ingress_rule', 'open', { security_group_id: 'x', cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'open' }),
  },
  {
    rule: 'NET-REDSHIFT-FROM-BATCH-ONLY',
    fault: 'Redshift open to the endpoint security group',
    apply: (tf) => {
      const r = find(tf, 'aws_vpc_security_group_ingress_rule', (a) => a.from_port === 5439);
      r.referenced_security_group_id = strAt(r, 'referenced_security_group_id').replace(/network_batch-sg_[A-Z0-9]+/, (m: string) => m.replace('batch-sg', 'endpoint-sg'));
      const endpointSg = resources(tf, 'aws_security_group').find((g) => text(g.attrs.name).endsWith('-endpoints'))!;
      r.referenced_security_group_id = `\${aws_security_group.${endpointSg.id}.id}`;
    },
  },
  { rule: 'KMS-ROTATION-POLICY', fault: 'rotation off', apply: (tf) => (find(tf, 'aws_kms_key', () => true).enable_key_rotation = false) },
  {
    rule: 'KMS-ROTATION-POLICY',
    fault: 'open principal in the key policy',
    apply: (tf) => editPolicy(find(tf, 'aws_kms_key', () => true), 'policy', (s) => s.push({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt'], Resource: '*' })),
  },
  { rule: 'S3-BUCKETS', fault: 'a public access setting off', apply: (tf) => (find(tf, 'aws_s3_bucket_public_access_block', () => true).restrict_public_buckets = false) },
  { rule: 'S3-BUCKETS', fault: 'versioning suspended', apply: (tf) => (objAt(find(tf, 'aws_s3_bucket_versioning', () => true), 'versioning_configuration').status = 'Suspended') },
  { rule: 'S3-BUCKETS', fault: 'no TLS-only policy', apply: (tf) => editPolicy(find(tf, 'aws_s3_bucket_policy', (a) => text(a.bucket).includes('landing')), 'policy', (s) => s.splice(0, s.length, ...s.filter((x) => x.Sid !== 'DenyInsecureTransport'))) },
  { rule: 'S3-BUCKETS', fault: 'SSE-S3 on staging', apply: (tf) => (objAt(find(tf, 'aws_s3_bucket_server_side_encryption_configuration', (a) => text(a.bucket).includes('staging')), 'rule', 0).apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' }) },
  { rule: 'S3-BUCKETS', fault: 'no access logging for reports', apply: (tf) => removeType(tf, 'aws_s3_bucket_logging', (a) => text(a.bucket).includes('reports')) },
  { rule: 'S3-BUCKETS', fault: 'staging parts kept forever', apply: (tf) => { const lc = find(tf, 'aws_s3_bucket_lifecycle_configuration', (a) => text(a.bucket).includes('staging')); lc.rule = arrAt(lc, 'rule').filter((r) => obj(r)?.id !== 'expire-staging-parts'); } },
  { rule: 'S3-BUCKETS', fault: 'ACL ownership', apply: (tf) => (objAt(find(tf, 'aws_s3_bucket_ownership_controls', () => true), 'rule').object_ownership = 'ObjectWriter') },
  { rule: 'REDSHIFT-CLUSTER', fault: 'publicly accessible', apply: (tf) => (find(tf, 'aws_redshift_cluster', () => true).publicly_accessible = true) },
  { rule: 'REDSHIFT-CLUSTER', fault: 'password in state', apply: (tf) => { const c = find(tf, 'aws_redshift_cluster', () => true); c.manage_master_password = false; c.master_password = 'hunter2'; } },
  { rule: 'REDSHIFT-CLUSTER', fault: 'TLS not required', apply: (tf) => (objAt(find(tf, 'aws_redshift_parameter_group', () => true), 'parameter', 0).value = 'false') },
  { rule: 'REDSHIFT-CLUSTER', fault: 'default admin user', apply: (tf) => (find(tf, 'aws_redshift_cluster', () => true).master_username = 'awsuser') },
  { rule: 'REDSHIFT-CLUSTER', fault: 'no audit logging', apply: (tf) => removeType(tf, 'aws_redshift_logging') },
  {
    rule: 'REDSHIFT-COPY-ROLE',
    fault: 'COPY role reads the whole staging bucket',
    apply: (tf) => editPolicy(named(tf, 'aws_iam_role_policy', 'redshift-loader-dev-copy-from-staging'), 'policy', (s) => {
      const read = s.find((x) => x.Sid === 'ReadStagedParts')!;
      read.Resource = [String([read.Resource].flat()[0]).replace(/\/[a-z_]+\/\*$/, '/*')];
    }),
  },
  { rule: 'GLUE-CRAWLERS', fault: 'crawler without schedule', apply: (tf) => delete find(tf, 'aws_glue_crawler', () => true).schedule },
  { rule: 'GLUE-CRAWLERS', fault: 'incremental crawl with update-in-database', apply: (tf) => (objAt(find(tf, 'aws_glue_crawler', () => true), 'recrawl_policy').recrawl_behavior = 'CRAWL_NEW_FOLDERS_ONLY') },
  { rule: 'GLUE-CRAWLERS', fault: 'no KMS for CloudWatch', apply: (tf) => (objAt(find(tf, 'aws_glue_security_configuration', () => true), 'encryption_configuration', 'cloudwatch_encryption').cloudwatch_encryption_mode = 'DISABLED') },
  { rule: 'BATCH-JOBS', fault: 'privileged job', apply: (tf) => { const j = jobDef(tf, 'run'); j.props.privileged = true; j.save(); } },
  { rule: 'BATCH-JOBS', fault: 'public IP', apply: (tf) => { const j = jobDef(tf, 'drift'); j.props.networkConfiguration!.assignPublicIp = 'ENABLED'; j.save(); } },
  { rule: 'BATCH-JOBS', fault: 'retries drift blocks (exit 3)', apply: (tf) => arrAt(jobDef(tf, 'run').attrs, 'retry_strategy', 'evaluate_on_exit').push({ action: 'RETRY', on_exit_code: '3' }) },
  { rule: 'BATCH-JOBS', fault: 'retries a Ctrl-C (exit 130)', apply: (tf) => arrAt(jobDef(tf, 'run').attrs, 'retry_strategy', 'evaluate_on_exit').push({ action: 'RETRY', on_exit_code: '130' }) },
  { rule: 'BATCH-JOBS', fault: 'does not retry a SIGTERM from the platform (exit 143)', apply: (tf) => { const e = arrAt(jobDef(tf, 'drift').attrs, 'retry_strategy', 'evaluate_on_exit'); e.splice(e.findIndex((c) => obj(c)?.on_exit_code === '143'), 1); } },
  { rule: 'BATCH-JOBS', fault: 'an environment variable jobs/ does not read', apply: (tf) => { const j = jobDef(tf, 'run'); j.props.environment!.push({ name: 'RL_EXTRA', value: 'x' }); j.save(); } },
  { rule: 'BATCH-JOBS', fault: 'a variable jobs/ reads is missing', apply: (tf) => { const j = jobDef(tf, 'drift'); j.props.environment!.pop(); j.save(); } },
  { rule: 'BATCH-JOBS', fault: 'RL_SECRET_ARN set', apply: (tf) => setJobEnv(tf, 'RL_SECRET_ARN', ADMIN_SECRET) },
  { rule: 'BATCH-JOBS', fault: 'one role for both', apply: (tf) => { const j = jobDef(tf, 'run'); j.props.jobRoleArn = j.props.executionRoleArn; j.save(); } },
  { rule: 'BATCH-JOBS', fault: 'no timeout', apply: (tf) => delete jobDef(tf, 'drift').attrs.timeout },
  { rule: 'NIGHTLY-STEPS', fault: 'a fixed array size', apply: (tf) => editMachine(tf, (st) => (objAt(st.SubmitShards, 'Arguments').ArrayProperties = { Size: 8 })) },
  { rule: 'NIGHTLY-STEPS', fault: 'an array job for one shard too', apply: (tf) => editMachine(tf, (st) => (objAt(arrAt(st.Shards, 'Choices'), 0).Condition = '{% $shards >= 1 %}')) },
  { rule: 'NIGHTLY-STEPS', fault: 'the shard count not read from the plan pointer', apply: (tf) => editMachine(tf, (st) => (objAt(st.ReadPlan, 'Assign').shards = '{% $sizing.shards %}')) },
  { rule: 'NIGHTLY-STEPS', fault: 'a Task without its own Retry', apply: (tf) => editMachine(tf, (st) => delete st.ReadPlan.Retry) },
  { rule: 'NIGHTLY-STEPS', fault: 'a Retry of a job that ran and failed', apply: (tf) => editMachine(tf, (st) => arrAt(st.SubmitLoad, 'Retry').push({ ErrorEquals: ['States.TaskFailed'], BackoffRate: 2, MaxAttempts: 2 })) },
  { rule: 'NIGHTLY-STEPS', fault: 'load submitted as the run job', apply: (tf) => editMachine(tf, (st) => { const a = objAt(st.SubmitLoad, 'Arguments'); a.JobDefinition = strAt(a, 'JobDefinition').replace(/compute_job-load_[A-Z0-9]+/, (x: string) => x.replace('job-load', 'job-run')); }) },
  { rule: 'NIGHTLY-STEPS', fault: "a dataset's shards not the environment's", apply: (tf) => editMachine(tf, (st) => (objAt(st.BatchDate, 'Assign', 'sizes', 'lineitem').shards = 1)) },
  { rule: 'NIGHTLY-STEPS', fault: 'shard size not the sizing', apply: (tf) => editMachine(tf, (st) => (objAt(st.SubmitShards, 'Arguments').ContainerOverrides = {})) },
  { rule: 'NIGHTLY-STEPS', fault: 'the machine may submit the run job', apply: (tf) => editPolicy(machinePolicy(tf), 'policy', (s) => { const x = s.find((y) => y.Sid === 'SubmitNightlySteps')!; x.Resource = [...list(x.Resource), 'arn:aws:batch:eu-west-1:123456789012:job-definition/redshift-loader-dev-run']; }) },
  { rule: 'NIGHTLY-STEPS', fault: 'the machine reads the whole staging bucket', apply: (tf) => editPolicy(machinePolicy(tf), 'policy', (s) => { const x = s.find((y) => y.Sid === 'ReadPlanPointers')!; x.Resource = list(x.Resource).map((r) => r.replace('/plans/*', '/*')); }) },
  { rule: 'NIGHTLY-STEPS', fault: 'the machine cannot decrypt the pointer', apply: (tf) => editPolicy(machinePolicy(tf), 'policy', (s) => s.splice(s.findIndex((y) => y.Sid === 'DecryptPlanPointers'), 1)) },
  { rule: 'NIGHTLY-STEPS', fault: 'the job role cannot write the pointer', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.splice(s.findIndex((y) => y.Sid === 'WritePlanPointers'), 1)) },
  { rule: 'BATCH-JOBS', fault: 'a partition shard retries exit 5', apply: (tf) => arrAt(named(tf, 'aws_batch_job_definition', 'redshift-loader-dev-partition'), 'retry_strategy', 'evaluate_on_exit').push({ action: 'RETRY', on_exit_code: '5' }) },
  { rule: 'BATCH-JOBS', fault: 'load does not retry exit 5', apply: (tf) => { const e = arrAt(named(tf, 'aws_batch_job_definition', 'redshift-loader-dev-load'), 'retry_strategy', 'evaluate_on_exit'); e.splice(e.findIndex((c) => obj(c)?.on_exit_code === '5'), 1); } },
  { rule: 'BATCH-JOBS', fault: 'plan without --pointer', apply: (tf) => { const a = named(tf, 'aws_batch_job_definition', 'redshift-loader-dev-plan'); const p = JSON.parse(strAt(a, 'container_properties')) as ContainerProperties; p.command = p.command!.slice(0, 7); a.container_properties = JSON.stringify(p); } },
  { rule: 'ECR-REPOSITORY', fault: 'mutable tags', apply: (tf) => (find(tf, 'aws_ecr_repository', () => true).image_tag_mutability = 'MUTABLE') },
  { rule: 'LOG-GROUPS', fault: 'short retention', apply: (tf) => (find(tf, 'aws_cloudwatch_log_group', () => true).retention_in_days = 30) },
  { rule: 'LOG-GROUPS', fault: 'no key', apply: (tf) => delete find(tf, 'aws_cloudwatch_log_group', () => true).kms_key_id },
  { rule: 'ENCRYPTED-AT-REST', fault: 'unencrypted topic', apply: (tf) => delete find(tf, 'aws_sns_topic', () => true).kms_master_key_id },
  { rule: 'SCHEDULES', fault: 'no time zone', apply: (tf) => delete find(tf, 'aws_scheduler_schedule', () => true).schedule_expression_timezone },
  { rule: 'SCHEDULES', fault: 'state machine without logging', apply: (tf) => delete find(tf, 'aws_sfn_state_machine', () => true).logging_configuration },
  { rule: 'DRIFT-AFTER-CRAWL', fault: 'rule on failed crawls', apply: (tf) => { const r = find(tf, 'aws_cloudwatch_event_rule', (a) => text(a.name).endsWith('-crawled')); r.event_pattern = strAt(r, 'event_pattern').replace('Succeeded', 'Failed'); } },
  { rule: 'DRIFT-AFTER-CRAWL', fault: 'submits the run job', apply: (tf) => { const t = objAt(find(tf, 'aws_cloudwatch_event_target', (a) => Boolean(a.batch_target)), 'batch_target'); t.job_definition = strAt(t, 'job_definition').replace('job-drift', 'job-run'); } },
  { rule: 'ALERTS', fault: 'breaking drift not alerted', apply: (tf) => removeType(tf, 'aws_cloudwatch_event_rule', (a) => text(a.name).endsWith('-breaking-drift')) },
  { rule: 'ALERTS', fault: 'no e-mail subscription', apply: (tf) => removeType(tf, 'aws_sns_topic_subscription') },
  { rule: 'ALERTS', fault: 'a message placeholder without an input path', apply: (tf) => (objAt(find(tf, 'aws_cloudwatch_event_target', (a) => Boolean(a.input_transformer)), 'input_transformer').input_template = '"batch <date>"') },
  { rule: 'WAREHOUSE-IAM-LOGIN', fault: 'RL_SECRET_ARN back in the job environment', apply: (tf) => setJobEnv(tf, 'RL_SECRET_ARN', ADMIN_SECRET) },
  { rule: 'WAREHOUSE-IAM-LOGIN', fault: 'the admin secret in the warehouse URI', apply: (tf) => setJobEnv(tf, 'RL_WAREHOUSE', 'redshift-data:cluster/redshift-loader-dev-warehouse/supply_chain?secret=arn:aws:secretsmanager:eu-west-1:123456789012:secret:x') },
  {
    rule: 'WAREHOUSE-IAM-LOGIN',
    fault: 'the job role reads the admin secret',
    apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'ReadWarehouseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [ADMIN_SECRET] })),
  },
  {
    rule: 'WAREHOUSE-IAM-LOGIN',
    fault: 'the key usable through Secrets Manager',
    apply: (tf) => jobStatement(tf, 'UseKeyThroughServices', (s) => (s.Condition!.StringEquals['kms:ViaService'] as string[]).push('secretsmanager.eu-west-1.amazonaws.com')),
  },
  {
    rule: 'WAREHOUSE-IAM-LOGIN',
    fault: 'temporary credentials for any database user',
    apply: (tf) => jobStatement(tf, 'TemporaryCredentialsForTheEtlUser', (s) => (s.Resource = list(s.Resource).map((r) => r.replace(/dbuser:(.*)\/etl_loader$/, 'dbuser:$1/*')))),
  },
  {
    rule: 'WAREHOUSE-IAM-LOGIN',
    fault: 'temporary credentials in any database',
    apply: (tf) => jobStatement(tf, 'TemporaryCredentialsForTheEtlUser', (s) => (s.Resource = list(s.Resource).filter((r) => !r.includes(':dbname:')))),
  },
  {
    rule: 'WAREHOUSE-IAM-LOGIN',
    fault: 'the jobs log in as the admin',
    apply: (tf) => {
      setJobEnv(tf, 'RL_WAREHOUSE', 'redshift-data:cluster/redshift-loader-dev-warehouse/supply_chain?user=rl_admin');
      jobStatement(tf, 'TemporaryCredentialsForTheEtlUser', (s) => (s.Resource = list(s.Resource).map((r) => r.replace(/\/etl_loader$/, '/rl_admin'))));
    },
  },
  { rule: 'WAREHOUSE-IAM-LOGIN', fault: 'AutoCreate allowed', apply: (tf) => jobStatement(tf, 'TemporaryCredentialsForTheEtlUser', (s) => (s.Action = [...list(s.Action), 'redshift:CreateClusterUser'])) },
  { rule: 'WAREHOUSE-IAM-LOGIN', fault: 'IAMR users allowed', apply: (tf) => jobStatement(tf, 'TemporaryCredentialsForTheEtlUser', (s) => (s.Action = [...list(s.Action), 'redshift:GetClusterCredentialsWithIAM'])) },
  { rule: 'WAREHOUSE-IAM-LOGIN', fault: 'the Data API on every cluster', apply: (tf) => jobStatement(tf, 'DataApiOnThisCluster', (s) => (s.Resource = list(s.Resource).map((r) => r.replace(/cluster:.*$/, 'cluster:*')))) },
  {
    rule: 'DATASET-PREFIXES',
    fault: "the COPY role lost one dataset's staging prefix",
    apply: (tf) => editPolicy(named(tf, 'aws_iam_role_policy', 'redshift-loader-dev-copy-from-staging'), 'policy', (s) => {
      const read = s.find((x) => x.Sid === 'ReadStagedParts')!;
      read.Resource = list(read.Resource).filter((r) => !r.endsWith('/lineitem/*'));
    }),
  },
  {
    rule: 'DATASET-PREFIXES',
    fault: "a crawler on another dataset's landing prefix",
    apply: (tf) => { const c = named(tf, 'aws_glue_crawler', 'redshift-loader-dev-orders'); objAt(c, 's3_target', 0).path = strAt(c, 's3_target', 0, 'path').replace(/\/orders\/$/, '/lineitem/'); },
  },
  { rule: 'DATASET-PREFIXES', fault: 'the job role cannot write one dataset\'s reports', apply: (tf) => jobStatement(tf, 'WriteReports', (s) => (s.Resource = list(s.Resource).filter((r) => !r.endsWith('/region/*')))) },
  {
    rule: 'CONTRACTS-LOCATION',
    fault: 'a contracts read grant without a contractsPrefix',
    apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'ReadContracts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${landingArn(tf)}/contracts/*`] })),
  },
  { rule: 'CONTRACTS-LOCATION', fault: 'RL_CONTRACTS without a contractsPrefix', apply: (tf) => setJobEnv(tf, 'RL_CONTRACTS', `${jobEnvValue(tf, 'RL_LANDING')}/contracts/`) },
  { rule: 'IAM-NO-WILDCARD-ACTIONS', fault: 's3:*', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'All', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::x'] })) },
  { rule: 'IAM-NO-WILDCARD-ACTIONS', fault: '"*"', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'All', Effect: 'Allow', Action: '*', Resource: ['arn:aws:s3:::x'] })) },
  { rule: 'IAM-NO-DATA-ACTIONS-ON-STAR', fault: 's3:GetObject on "*"', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' })) },
  { rule: 'IAM-NO-DATA-ACTIONS-ON-STAR', fault: 'iam:PassRole on "*"', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'Pass', Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'] })) },
  { rule: 'IAM-NO-DATA-ACTIONS-ON-STAR', fault: 'kms:Decrypt on "*"', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'Dec', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['*'] })) },
  { rule: 'IAM-STAR-ONLY-ALLOW-LIST', fault: 'glue:GetTable on "*"', apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => s.push({ Sid: 'Any', Effect: 'Allow', Action: ['glue:GetTable'], Resource: ['*'] })) },
  {
    rule: 'IAM-STAR-ONLY-ALLOW-LIST',
    fault: "anyone's Data API statements",
    apply: (tf) => editPolicy(jobPolicy(tf), 'policy', (s) => delete s.find((x) => x.Sid === 'DataApiOwnStatementsOnly')!.Condition),
  },
  { rule: 'IAM-PRINCIPALS', fault: 'trust without aws:SourceAccount', apply: (tf) => editPolicy(named(tf, 'aws_iam_role', 'redshift-loader-dev-batch-job'), 'assume_role_policy', (s) => delete s[0].Condition) },
  { rule: 'IAM-PRINCIPALS', fault: 'bucket open to "*"', apply: (tf) => editPolicy(find(tf, 'aws_s3_bucket_policy', (a) => text(a.bucket).includes('reports')), 'policy', (s) => s.push({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::x'] })) },
  // --- event-driven loads (issue 14.5)
  { rule: 'EVENT-LOADING', fault: 'the landing bucket sends no events to EventBridge', apply: (tf) => (find(tf, 'aws_s3_bucket_notification', () => true).eventbridge = false) },
  { rule: 'EVENT-LOADING', fault: 'every object starts a run', apply: (tf) => editMarkerRule(tf, 'supplier_dim', (p) => delete p.detail.object) },
  { rule: 'EVENT-LOADING', fault: "a prefix match instead of the dataset's marker", apply: (tf) => editMarkerRule(tf, 'supplier', (p) => (p.detail.object = { key: [{ prefix: 'supplier/' }] })) },
  { rule: 'EVENT-LOADING', fault: "supplier_dim's rule keyed by its name, not its landing root", apply: (tf) => editMarkerRule(tf, 'supplier_dim', (p) => (p.detail.object = { key: [{ wildcard: 'supplier_dim/*/_SUCCESS' }] })) },
  { rule: 'EVENT-LOADING', fault: 'one dataset has no marker rule', apply: (tf) => removeType(tf, 'aws_cloudwatch_event_rule', (a) => a.name === 'redshift-loader-dev-supplier_dim-batch-complete') },
  { rule: 'EVENT-LOADING', fault: 'events of every bucket', apply: (tf) => editMarkerRule(tf, 'lineitem', (p) => delete p.detail.bucket) },
  { rule: 'EVENT-LOADING', fault: 'the target sends the whole event', apply: (tf) => delete markerTarget(tf, 'supplier').input_transformer },
  { rule: 'EVENT-LOADING', fault: "supplier_dim's target starts supplier", apply: (tf) => (objAt(markerTarget(tf, 'supplier_dim'), 'input_transformer').input_template = '{"dataset": "supplier", "markerKey": <key>}') },
  { rule: 'EVENT-LOADING', fault: 'the key pasted raw into the template', apply: (tf) => (objAt(markerTarget(tf, 'supplier'), 'input_transformer').input_template = '{"dataset": "supplier", "markerKey": "<key>"}') },
  { rule: 'EVENT-LOADING', fault: "the rule's role may start any state machine", apply: (tf) => editPolicy(markerPolicy(tf), 'policy', (s) => (s.find((x) => x.Sid === 'StartNightlyOnMarker')!.Resource = ['arn:aws:states:eu-west-1:123456789012:stateMachine:*'])) },
  { rule: 'EVENT-LOADING', fault: "the rule's role may also submit Batch jobs", apply: (tf) => editPolicy(markerPolicy(tf), 'policy', (s) => s.push({ Sid: 'Submit', Effect: 'Allow', Action: ['batch:SubmitJob'], Resource: ['arn:aws:batch:eu-west-1:123456789012:job-queue/x'] })) },
  { rule: 'EVENT-LOADING', fault: "the role's KMS use not limited to Step Functions", apply: (tf) => editPolicy(markerPolicy(tf), 'policy', (s) => delete s.find((x) => x.Sid === 'UseKeyThroughStates')!.Condition) },
  { rule: 'EVENT-LOADING', fault: "trusted by any EventBridge rule", apply: (tf) => editPolicy(named(tf, 'aws_iam_role', 'redshift-loader-dev-events-batch-complete'), 'assume_role_policy', (s) => delete s[0].Condition!.ArnEquals) },
  { rule: 'EVENT-LOADING', fault: 'trusted by every rule of the account', apply: (tf) => editPolicy(named(tf, 'aws_iam_role', 'redshift-loader-dev-events-batch-complete'), 'assume_role_policy', (s) => (s[0].Condition!.ArnEquals = { 'aws:SourceArn': 'arn:aws:events:eu-west-1:123456789012:rule/*' })) },
  { rule: 'EVENT-LOADING', fault: 'the machine takes any key', apply: (tf) => editMachine(tf, (st) => (objAt(arrAt(st.Trigger, 'Choices'), 0).Condition = '{% $exists($states.input.markerKey) %}')) },
  { rule: 'EVENT-LOADING', fault: 'the machine does not check the date folder', apply: (tf) => editMachine(tf, (st) => { const c = objAt(arrAt(st.Trigger, 'Choices'), 0); c.Condition = strAt(c, 'Condition').replace(/ and \$contains\(\$f, \/[^/]*\/\)/, ''); }) },
  { rule: 'EVENT-LOADING', fault: "the machine accepts another dataset's marker", apply: (tf) => editMachine(tf, (st) => { const c = objAt(arrAt(st.Trigger, 'Choices'), 0); c.Condition = strAt(c, 'Condition').replace('"lineitem":{"root":"lineitem/","marker":"_SUCCESS"}', '"lineitem":{"root":"lineitem/","marker":"_READY"}'); }) },
  { rule: 'EVENT-LOADING', fault: 'the machine keys supplier_dim by its name', apply: (tf) => editMachine(tf, (st) => { const c = objAt(arrAt(st.Trigger, 'Choices'), 0); c.Condition = strAt(c, 'Condition').replace('"supplier_dim":{"root":"supplier/"', '"supplier_dim":{"root":"supplier_dim/"'); }) },
  { rule: 'EVENT-LOADING', fault: 'a refused key runs anyway', apply: (tf) => editMachine(tf, (st) => (objAt(arrAt(st.Trigger, 'Choices'), 1).Next = 'BatchDate')) },
  { rule: 'EVENT-LOADING', fault: 'the date taken as YYYYMMDD', apply: (tf) => editMachine(tf, (st) => (st.FromMarker.Output = "{% {\"dataset\": $states.input.dataset, \"date\": $substring($states.input.markerKey, 9, 8)} %}")) },
  // --- CloudWatch alarms and dashboard (issue 15.5)
  { rule: 'METRIC-ALARMS', fault: 'no-publish after 24 hours', apply: (tf) => { const a = alarm(tf, 'supplier-no-publish'); a.evaluation_periods = 24; a.datapoints_to_alarm = 24; } },
  { rule: 'METRIC-ALARMS', fault: 'no-publish on one empty hour', apply: (tf) => (alarm(tf, 'supplier-no-publish').datapoints_to_alarm = 1) },
  { rule: 'METRIC-ALARMS', fault: 'no-publish silent when no run at all', apply: (tf) => (alarm(tf, 'orders-no-publish').treat_missing_data = 'notBreaching') },
  { rule: 'METRIC-ALARMS', fault: 'no-publish at a 5-minute period (CloudWatch refuses 26 h of it)', apply: (tf) => { const a = alarm(tf, 'supplier-no-publish'); a.period = 300; a.evaluation_periods = 312; a.datapoints_to_alarm = 312; } },
  { rule: 'METRIC-ALARMS', fault: 'no failed-run alarm for a dataset', apply: (tf) => removeType(tf, 'aws_cloudwatch_metric_alarm', (a) => a.alarm_name === 'redshift-loader-dev-nation-run-failed') },
  { rule: 'METRIC-ALARMS', fault: 'no breaking-drift alarm for a dataset', apply: (tf) => removeType(tf, 'aws_cloudwatch_metric_alarm', (a) => a.alarm_name === 'redshift-loader-dev-part-breaking-drift') },
  { rule: 'METRIC-ALARMS', fault: 'a failed run alarms only on a second failure', apply: (tf) => (alarm(tf, 'supplier-run-failed').threshold = 2) },
  { rule: 'METRIC-ALARMS', fault: "row-count threshold not the contract's", apply: (tf) => (alarm(tf, 'supplier-row-count-change').threshold = 50) },
  { rule: 'METRIC-ALARMS', fault: 'a row-count drop not alarmed', apply: (tf) => { const a = alarm(tf, 'supplier-row-count-change'); a.metric_query = arrAt(a, 'metric_query').filter((q) => obj(q)?.id !== 'fall').map((q) => (obj(q)?.id === 'change' ? { ...obj(q), expression: 'rise' } : q)); } },
  { rule: 'METRIC-ALARMS', fault: 'an alarm notifies nobody', apply: (tf) => (alarm(tf, 'customer-run-failed').alarm_actions = []) },
  { rule: 'METRIC-ALARMS', fault: 'an alarm with its actions disabled', apply: (tf) => (alarm(tf, 'supplier-no-publish').actions_enabled = false) },
  { rule: 'METRIC-ALARMS', fault: 'no alarm on failed executions', apply: (tf) => removeType(tf, 'aws_cloudwatch_metric_alarm', (a) => a.namespace === 'AWS/States') },
  { rule: 'METRIC-ALARMS', fault: 'the topic refuses CloudWatch', apply: (tf) => editPolicy(find(tf, 'aws_sns_topic_policy', () => true), 'policy', (s) => s.splice(s.findIndex((x) => x.Sid === 'CloudWatchAlarmsOfThisEnvironment'), 1)) },
  { rule: 'METRIC-ALARMS', fault: "the topic takes any account's alarms", apply: (tf) => editPolicy(find(tf, 'aws_sns_topic_policy', () => true), 'policy', (s) => (s.find((x) => x.Sid === 'CloudWatchAlarmsOfThisEnvironment')!.Condition = { StringEquals: { 'aws:SourceAccount': '123456789012' } })) },
  { rule: 'METRIC-ALARMS', fault: 'the key refuses CloudWatch', apply: (tf) => editPolicy(find(tf, 'aws_kms_key', () => true), 'policy', (s) => s.splice(s.findIndex((x) => x.Sid === 'CloudWatchAlarmsPublishToEncryptedTopic'), 1)) },
  { rule: 'DASHBOARD', fault: 'no dashboard', apply: (tf) => removeType(tf, 'aws_cloudwatch_dashboard') },
  { rule: 'DASHBOARD', fault: "a dataset's rows not charted", apply: (tf) => editDashboard(tf, (w) => w.forEach((x) => x.properties.metrics && (x.properties.metrics = (x.properties.metrics as unknown[][]).filter((m) => !(m[1] === 'RowsPublished' && m[3] === 'lineitem'))))) },
  { rule: 'DASHBOARD', fault: "a dataset's step seconds not charted", apply: (tf) => editDashboard(tf, (w) => w.splice(w.findIndex((x) => String(x.properties.title).startsWith('supplier:')), 1)) },
  { rule: 'DASHBOARD', fault: 'an alarm not shown', apply: (tf) => editDashboard(tf, (w) => (w[0].properties.alarms = (w[0].properties.alarms as string[]).slice(1))) },
];

/** The S3 marker rule's event pattern, edited in place. */
interface MarkerPattern {
  detail: { bucket?: unknown; object?: { key: Array<Record<string, string>> } };
}
function editMarkerRule(tf: TfJson, dataset: string, edit: (p: MarkerPattern) => void): void {
  const r = named(tf, 'aws_cloudwatch_event_rule', `redshift-loader-dev-${dataset}-batch-complete`);
  const p = JSON.parse(strAt(r, 'event_pattern')) as MarkerPattern;
  edit(p);
  r.event_pattern = JSON.stringify(p);
}

const markerTarget = (tf: TfJson, dataset: string) => find(tf, 'aws_cloudwatch_event_target', (a) => a.target_id === 'nightly-state-machine' && text(obj(a.input_transformer)?.input_template).includes(`"dataset": "${dataset}"`));
const markerPolicy = (tf: TfJson) => named(tf, 'aws_iam_role_policy', 'redshift-loader-dev-start-on-marker');
const alarm = (tf: TfJson, name: string) => find(tf, 'aws_cloudwatch_metric_alarm', (a) => a.alarm_name === `redshift-loader-dev-${name}`);

function editDashboard(tf: TfJson, edit: (widgets: Array<{ type: string; properties: Record<string, unknown> }>) => void): void {
  const d = find(tf, 'aws_cloudwatch_dashboard', () => true);
  const body = JSON.parse(strAt(d, 'dashboard_body')) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> };
  edit(body.widgets);
  d.dashboard_body = JSON.stringify(body);
}

describe('each rule catches the fault it is about', () => {
  const dev = envs.get('dev')!;
  it('covers every rule with at least one fault', () => {
    assert.deepEqual(RULES.map((r) => r.id).filter((id) => !FAULTS.some((f) => f.rule === id)), []);
  });
  for (const f of FAULTS) {
    it(`${f.rule} catches: ${f.fault}`, () => {
      const tf = structuredClone(dev);
      f.apply(tf);
      const violations = checkStack(tf, checkOptions('dev'), RULES.filter((r) => r.id === f.rule));
      assert.ok(violations.length > 0, `${f.rule} did not report "${f.fault}"`);
    });
  }
});

describe('an environment with a contracts prefix', () => {
  const withContracts: EnvironmentSettings = { ...devSettings, contractsPrefix: 'config/contracts/' };
  const { tf } = synthStack(withContracts);
  const o = checkOptions('dev', 'config/contracts/');
  for (const rule of RULES) {
    it(`contracts: ${rule.id}`, () => {
      assert.deepEqual(rule.check(tf, o), []);
    });
  }
  it('gives both jobs RL_CONTRACTS = the prefix in the landing bucket, and the job role read-only access to it', () => {
    for (const kind of ['run', 'drift'] as const) {
      const env = jobDef(tf, kind).props.environment!;
      const landing = text(env.find((e) => e.name === 'RL_LANDING')!.value);
      assert.equal(text(env.find((e) => e.name === 'RL_CONTRACTS')?.value), `${landing}/config/contracts/`);
    }
    const doc = JSON.parse(strAt(jobPolicy(tf), 'policy')) as { Statement: PolicyStatement[] };
    const bySid = new Map(doc.Statement.map((x) => [x.Sid, x] as const));
    assert.deepEqual(bySid.get('ReadContracts')?.Action, ['s3:GetObject']);
    assert.deepEqual(bySid.get('ReadContracts')?.Resource, [`${landingArn(tf)}/config/contracts/*`]);
    assert.deepEqual(bySid.get('ListContracts')?.Action, ['s3:ListBucket']);
    assert.deepEqual(bySid.get('ListContracts')?.Condition, { StringLike: { 's3:prefix': ['config/contracts/*'] } });
  });
  const rule = RULES.filter((r) => r.id === 'CONTRACTS-LOCATION');
  const faults: Array<[string, (t: TfJson) => void]> = [
    ['write on the contracts prefix', (t) => jobStatement(t, 'ReadContracts', (s) => (s.Action = ['s3:GetObject', 's3:PutObject']))],
    ['no read grant', (t) => editPolicy(jobPolicy(t), 'policy', (st) => st.splice(st.findIndex((x) => x.Sid === 'ReadContracts'), 1))],
    ['no list grant', (t) => editPolicy(jobPolicy(t), 'policy', (st) => st.splice(st.findIndex((x) => x.Sid === 'ListContracts'), 1))],
    ['reads the whole landing bucket', (t) => jobStatement(t, 'ReadContracts', (s) => (s.Resource = [`${landingArn(t)}/*`]))],
    ['lists the whole landing bucket', (t) => jobStatement(t, 'ListContracts', (s) => delete s.Condition)],
    ['RL_CONTRACTS names another prefix', (t) => setJobEnv(t, 'RL_CONTRACTS', `${jobEnvValue(t, 'RL_LANDING')}/other/`)],
    ['no RL_CONTRACTS', (t) => ['run', 'drift'].forEach((k) => { const j = jobDef(t, k as 'run'); j.props.environment = j.props.environment!.filter((e) => e.name !== 'RL_CONTRACTS'); j.save(); })],
  ];
  for (const [fault, apply] of faults) {
    it(`contracts: CONTRACTS-LOCATION catches: ${fault}`, () => {
      const t = structuredClone(tf);
      apply(t);
      assert.ok(checkStack(t, o, rule).length > 0, fault);
    });
  }
  it('refuses at synth a malformed prefix, or one overlapping a dataset landing root', () => {
    assert.throws(() => synthStack({ ...devSettings, contractsPrefix: '/contracts' }), /contractsPrefix "\/contracts" must be lower-case key segments/);
    assert.throws(() => synthStack({ ...devSettings, contractsPrefix: 'supplier/' }), /overlaps the landing root supplier\/ of dataset supplier/);
  });
});

describe('per-dataset sizing', () => {
  it('refuses at synth a shard size Fargate does not offer, naming the environment, dataset and allowed pairs', () => {
    const bad = (datasets: EnvironmentSettings['batch']['datasets']) => () => synthStack({ ...devSettings, batch: { ...devSettings.batch, datasets } });
    assert.throws(bad({ lineitem: { shards: 4, vcpu: 2, memoryMiB: 2048 } }), /^Error: environment dev, dataset lineitem: 2 vCPU with 2048 MiB is not a Fargate size — allowed: 0\.25 vCPU: 512, 1024 or 2048 MiB; .*2 vCPU: 4-16 GiB in 1 GiB steps; .*16 vCPU: 32-120 GiB in 8 GiB steps$/);
    assert.throws(bad({ lineitem: { shards: 0 } }), /environment dev, dataset lineitem: shards must be an integer from 1 to 10000, got 0/);
    assert.throws(bad({ lineitem: { vcpu: 4 } }), /environment dev, dataset lineitem: set vcpu and memoryMiB together/);
    assert.throws(bad({ line_item: { shards: 2 } }), /environment dev, dataset line_item: batch\.datasets names no dataset of this stack \(known: region, .*lineitem\)/);
  });

  it('gives prod\'s fact tables more shards and their own size, and every other dataset one shard of the run size', () => {
    const prodTf = envs.get('prod')!;
    const m = find(prodTf, 'aws_sfn_state_machine', () => true);
    const sizes = (JSON.parse(strAt(m, 'definition')) as { States: { BatchDate: { Assign: { sizes: Record<string, unknown>; defaultSizing: unknown } } } }).States.BatchDate.Assign;
    assert.deepEqual(sizes.sizes.lineitem, { shards: 24, vcpu: 2, memoryMiB: 8192 });
    assert.deepEqual(sizes.sizes.orders, { shards: 8, vcpu: 2, memoryMiB: 8192 });
    assert.deepEqual(sizes.sizes.supplier, { shards: 1, vcpu: 4, memoryMiB: 16384 });
    assert.deepEqual(sizes.defaultSizing, { shards: 1, vcpu: 4, memoryMiB: 16384 });
    assert.deepEqual(Object.keys(sizes.sizes).sort(), DATASET_NAMES);
  });
});

describe('the "*" allow-list', () => {
  it('lists only actions with no resource type, and each is granted to some role', () => {
    const granted = new Set(
      [...envs.values()].flatMap((tf) =>
        resources(tf, 'aws_iam_role_policy').flatMap((p) => (JSON.parse(strAt(p.attrs, 'policy')) as { Statement: PolicyStatement[] }).Statement.filter((s) => [s.Resource].flat().includes('*')).flatMap((s) => [s.Action].flat())),
      ),
    );
    assert.deepEqual([...granted].filter((a) => !(a! in STAR_ONLY_ACTIONS)), []);
    assert.deepEqual(Object.keys(STAR_ONLY_ACTIONS).filter((a) => !granted.has(a)), []);
  });
});
