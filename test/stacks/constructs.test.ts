// cdktf `Testing` assertions for each construct of the environment stack, each synthesized on its own
// (Testing.synthScope) with only what it depends on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { supplier } from '../../datasets/index.ts';
import { Alerts, breakingDriftPattern, jobFailedPattern } from '../../stacks/alerts.ts';
import { Catalog, landingRoot } from '../../stacks/catalog.ts';
import { Compute, JOB_COMMANDS } from '../../stacks/compute.ts';
import { EnvironmentKey, KEY_SERVICES } from '../../stacks/encryption.ts';
import { dev, prod, type EnvironmentSettings } from '../../stacks/environments.ts';
import { INTERFACE_ENDPOINTS, Network, subnetCidr } from '../../stacks/network.ts';
import { nightlyCron } from '../../stacks/orchestration.ts';
import { Storage } from '../../stacks/storage.ts';
import { Warehouse } from '../../stacks/warehouse.ts';
import { arrAt, at, block, blocks, parsePolicy, refersTo, resources, strAt, text, type ContainerProperties, type PolicyStatement } from './policy/tf.ts';
import { ACCOUNT, DATASETS, KEY_ARN, only, synthScope, synthStack, testContext } from './support.ts';

/**
 * Testing.toHaveResourceWithProperties as an assertion with a message (node's assert.ok without a
 * message re-parses the test's source to describe the failure, which is very slow under tsx).
 */
function has(json: string, type: string, properties: Record<string, unknown>): boolean {
  if (!Testing.toHaveResourceWithProperties(json, type, properties)) {
    assert.fail(`no ${type} with ${JSON.stringify(properties)}`);
  }
  return true;
}

/** The parts of a Step Functions definition the tests read. */
interface StateMachineDefinition {
  QueryLanguage: string;
  StartAt: string;
  States: Record<
    string,
    {
      Type: string;
      Resource: string;
      Assign: Record<string, string>;
      Arguments: { Parameters: Record<string, string>; JobDefinition: string; ArrayProperties?: unknown; ContainerOverrides: { Command?: string[] } };
    }
  >;
}

/** A policy document's statements (JSON.parse reads the attribute as text, whatever it holds). */
function statementsOf(policyJson: unknown): PolicyStatement[] {
  return parsePolicy(String(policyJson));
}

describe('EnvironmentKey', () => {
  const { json, tf } = synthScope((s) => new EnvironmentKey(s, 'key', testContext()));
  const key = only(resources(tf, 'aws_kms_key'), 'key');
  const statements = statementsOf(key.attrs.policy);

  it('is a rotated symmetric customer-managed key with an alias carrying the environment', () => {
    assert.ok(has(json, 'aws_kms_key', { enable_key_rotation: true, rotation_period_in_days: 365, key_usage: 'ENCRYPT_DECRYPT' }));
    assert.ok(has(json, 'aws_kms_alias', { name: 'alias/redshift-loader-dev-key' }));
  });

  it('lets the account use it only through the named services', () => {
    const use = statements.find((s) => s.Sid === 'UseThroughNamedServicesOnly')!;
    assert.deepEqual(
      use.Condition?.StringEquals?.['kms:ViaService'],
      KEY_SERVICES.map((x) => `${x}.eu-west-1.amazonaws.com`),
    );
    assert.equal(use.Condition?.StringEquals?.['kms:CallerAccount'], ACCOUNT);
    assert.ok(KEY_SERVICES.includes('s3') && KEY_SERVICES.includes('redshift') && KEY_SERVICES.includes('secretsmanager'), 'key services');
  });

  it('has no wildcard principal or action, and conditions every service principal', () => {
    for (const s of statements) {
      assert.notEqual(s.Principal, '*', s.Sid);
      for (const a of [s.Action].flat()) assert.ok(a && !a.endsWith('*'), `${s.Sid}: ${a}`);
      if ((s.Principal as { Service?: string }).Service) assert.ok(s.Condition, `${s.Sid} has a condition`);
    }
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsForThisAccountsLogGroups')!;
    assert.deepEqual(logs.Principal, { Service: 'logs.eu-west-1.amazonaws.com' });
  });

  it('keeps a 30-day deletion window where data is protected', () => {
    const p = synthScope((s) => new EnvironmentKey(s, 'key', testContext(prod)));
    assert.ok(has(p.json, 'aws_kms_key', { deletion_window_in_days: 30 }));
    assert.ok(has(json, 'aws_kms_key', { deletion_window_in_days: 7 }));
  });
});

describe('Network', () => {
  const { json, tf } = synthScope((s) => new Network(s, 'network', testContext(), KEY_ARN));

  it('carves one private /20 per AZ and maps no public IPs', () => {
    assert.equal(subnetCidr('10.40.0.0/16', 1), '10.40.16.0/20');
    assert.throws(() => subnetCidr('10.40.0.0/24', 0));
    const subnets = resources(tf, 'aws_subnet');
    assert.deepEqual(subnets.map((s) => s.attrs.availability_zone).sort(), dev.availabilityZones);
    for (const s of subnets) assert.equal(s.attrs.map_public_ip_on_launch, false);
    assert.ok(has(json, 'aws_vpc', { cidr_block: '10.40.0.0/16', enable_dns_hostnames: true, enable_dns_support: true }));
  });

  it('has no internet gateway, NAT or default route', () => {
    for (const t of ['aws_internet_gateway', 'aws_nat_gateway', 'aws_route', 'aws_eip']) assert.equal(Testing.toHaveResource(json, t), false, t);
    for (const rt of resources(tf, 'aws_route_table')) assert.equal(rt.attrs.route, undefined);
  });

  it('reaches S3 through a gateway endpoint limited to this environment, and the rest through private-DNS interface endpoints', () => {
    assert.ok(has(json, 'aws_vpc_endpoint', { service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway' }));
    for (const svc of INTERFACE_ENDPOINTS) {
      assert.ok(has(json, 'aws_vpc_endpoint', { service_name: `com.amazonaws.eu-west-1.${svc}`, vpc_endpoint_type: 'Interface', private_dns_enabled: true }), svc);
    }
    const s3 = resources(tf, 'aws_vpc_endpoint').find((e) => e.attrs.vpc_endpoint_type === 'Gateway')!;
    const own = statementsOf(s3.attrs.policy).find((s) => s.Sid === 'ThisEnvironmentsBucketsOnly')!;
    assert.deepEqual(own.Resource, ['arn:aws:s3:::redshift-loader-dev-*']);
    assert.equal(own.Condition?.StringEquals?.['aws:PrincipalAccount'], ACCOUNT);
  });

  it('leaves the default security group empty and describes every group and rule', () => {
    assert.ok(has(json, 'aws_default_security_group', { ingress: [], egress: [] }));
    for (const t of ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
      for (const r of resources(tf, t)) assert.ok(r.attrs.description, `${t}.${r.id}`);
    }
  });

  it('admits Redshift 5439 from the Batch security group only', () => {
    const sgs = resources(tf, 'aws_security_group');
    const batch = sgs.find((g) => g.attrs.name === 'redshift-loader-dev-batch')!;
    const warehouse = sgs.find((g) => g.attrs.name === 'redshift-loader-dev-redshift')!;
    const ingress = resources(tf, 'aws_vpc_security_group_ingress_rule').filter((r) => refersTo(r.attrs.security_group_id, warehouse));
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].attrs.from_port, 5439);
    assert.ok(refersTo(ingress[0].attrs.referenced_security_group_id, batch), 'from the Batch security group');
    for (const r of [...resources(tf, 'aws_vpc_security_group_ingress_rule'), ...resources(tf, 'aws_vpc_security_group_egress_rule')]) {
      assert.equal(r.attrs.cidr_ipv4, undefined, r.id);
    }
  });

  it('logs all flows to a log group encrypted with the key', () => {
    assert.ok(has(json, 'aws_flow_log', { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' }));
    assert.ok(has(json, 'aws_cloudwatch_log_group', { name: '/redshift-loader/dev/vpc-flow-logs', kms_key_id: KEY_ARN, retention_in_days: 365 }));
  });
});

describe('Storage', () => {
  const { json, tf } = synthScope((s) => new Storage(s, 'storage', testContext(), KEY_ARN));
  const buckets = resources(tf, 'aws_s3_bucket');

  it('creates the four buckets, named for the environment and unique per account', () => {
    assert.deepEqual(
      buckets.map((b) => b.attrs.bucket).sort(),
      ['access-logs', 'landing', 'reports', 'staging'].map((p) => `redshift-loader-dev-${p}-${ACCOUNT}`),
    );
  });

  it('secures every bucket', () => {
    for (const b of buckets) {
      const on = <T extends string>(type: T) => resources(tf, type).filter((r) => refersTo(r.attrs.bucket, b));
      const pab = only(on('aws_s3_bucket_public_access_block'), 'public access block').attrs;
      assert.deepEqual([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets], [true, true, true, true]);
      assert.equal(block(only(on('aws_s3_bucket_ownership_controls'), 'ownership').attrs.rule)?.object_ownership, 'BucketOwnerEnforced');
      assert.equal(block(only(on('aws_s3_bucket_versioning'), 'versioning').attrs.versioning_configuration)?.status, 'Enabled');
      const sse = block(only(on('aws_s3_bucket_server_side_encryption_configuration'), 'sse').attrs.rule)!;
      if (text(b.attrs.bucket).includes('access-logs')) assert.equal(block(sse.apply_server_side_encryption_by_default)?.sse_algorithm, 'AES256');
      else assert.deepEqual(sse.apply_server_side_encryption_by_default, { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN });
      assert.equal(sse.bucket_key_enabled, true);
      const logging = only(on('aws_s3_bucket_logging'), 'logging');
      assert.ok(refersTo(logging.attrs.target_bucket, buckets.find((x) => text(x.attrs.bucket).includes('access-logs'))!));
      const deny = statementsOf(only(on('aws_s3_bucket_policy'), 'policy').attrs.policy).find((s) => s.Sid === 'DenyInsecureTransport')!;
      assert.equal(deny.Effect, 'Deny');
      assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': false } });
      const rules = blocks(only(on('aws_s3_bucket_lifecycle_configuration'), 'lifecycle').attrs.rule);
      assert.equal(at(rules.find((r) => r.id === 'abort-incomplete-multipart-uploads'), 'abort_incomplete_multipart_upload', 0, 'days_after_initiation'), 1);
      assert.equal(at(rules.find((r) => r.id === 'expire-noncurrent-versions'), 'noncurrent_version_expiration', 0, 'noncurrent_days'), 7);
    }
  });

  it('expires staging parts after the environment retention', () => {
    assert.ok(has(json, 'aws_s3_bucket_lifecycle_configuration', { rule: [{}, {}, { id: 'expire-staging-parts', expiration: [{ days: dev.retention.stagingDays }] }] }));
  });

  it('lets S3 deliver access logs from this account only', () => {
    const logPolicy = resources(tf, 'aws_s3_bucket_policy').find((p) => text(p.attrs.policy).includes('logging.s3.amazonaws.com'))!;
    const s = statementsOf(logPolicy.attrs.policy).find((x) => x.Sid === 'S3ServerAccessLogDelivery')!;
    assert.equal(s.Condition?.StringEquals?.['aws:SourceAccount'], ACCOUNT);
    assert.equal((s.Condition?.ArnLike?.['aws:SourceArn'] as string[]).length, 4);
  });
});

function warehouseScope(settings: EnvironmentSettings) {
  return synthScope((s) => {
    const ctx = testContext(settings);
    const network = new Network(s, 'network', ctx, KEY_ARN);
    const storage = new Storage(s, 'storage', ctx, KEY_ARN);
    new Warehouse(s, 'warehouse', ctx, { keyArn: KEY_ARN, network, storage, datasets: DATASETS });
  });
}

describe('Warehouse (provisioned)', () => {
  const { json, tf } = warehouseScope(dev);

  it('is a private, encrypted cluster with enhanced VPC routing and a managed password', () => {
    assert.ok(
      has(json, 'aws_redshift_cluster', {
        cluster_identifier: 'redshift-loader-dev-warehouse',
        node_type: 'ra3.xlplus',
        cluster_type: 'single-node',
        encrypted: 'true',
        kms_key_id: KEY_ARN,
        publicly_accessible: false,
        enhanced_vpc_routing: true,
        manage_master_password: true,
        master_username: 'rl_admin',
        database_name: 'supply_chain',
        automated_snapshot_retention_period: 7,
      }),
    );
    const c = only(resources(tf, 'aws_redshift_cluster'), 'cluster').attrs;
    assert.equal(c.master_password, undefined);
  });

  it('requires TLS, logs user activity and exports audit logs to encrypted groups', () => {
    assert.ok(has(json, 'aws_redshift_parameter_group', { parameter: [{ name: 'require_ssl', value: 'true' }, { name: 'enable_user_activity_logging', value: 'true' }] }));
    assert.ok(has(json, 'aws_redshift_logging', { log_destination_type: 'cloudwatch', log_exports: ['connectionlog', 'userlog', 'useractivitylog'] }));
    for (const t of ['connectionlog', 'userlog', 'useractivitylog']) {
      assert.ok(has(json, 'aws_cloudwatch_log_group', { name: `/aws/redshift/cluster/redshift-loader-dev-warehouse/${t}`, kms_key_id: KEY_ARN }), t);
    }
  });

  it('gives COPY a role that reads only the staging prefixes of the datasets', () => {
    const pol = resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-copy-from-staging')!;
    const st = statementsOf(pol.attrs.policy);
    const read = st.find((s) => s.Sid === 'ReadStagedParts')!;
    assert.deepEqual(read.Action, ['s3:GetObject']);
    // Exactly one staging prefix per dataset, each its own: <staging bucket>/<dataset>/*.
    assert.deepEqual(
      (read.Resource as string[]).map((r) => r.replace(/^\$\{aws_s3_bucket\.storage_staging_[A-Z0-9]+\.arn\}/, '<staging>')).sort(),
      DATASETS.map((d) => `<staging>/${d.name}/*`).sort(),
    );
    const listed = st.find((s) => s.Sid === 'ListStagingPrefixes')!;
    assert.deepEqual([(listed.Condition as { StringLike: Record<string, string[]> }).StringLike['s3:prefix']].flat().sort(), DATASETS.map((d) => `${d.name}/*`).sort());
    assert.deepEqual(st.find((s) => s.Sid === 'DecryptStagedParts')!.Action, ['kms:Decrypt']);
    assert.deepEqual(
      st.flatMap((s) => [s.Action].flat()).sort(),
      ['kms:Decrypt', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket'],
    );
  });
});

describe('Warehouse (ETL user)', () => {
  it('logs the jobs in as the environment\'s etlUser (default etl_loader), never the admin', () => {
    const { stack, tf } = synthStack({ ...dev, etlUser: 'supply_loader' });
    assert.equal(stack.warehouse.uri, 'redshift-data:cluster/redshift-loader-dev-warehouse/supply_chain?user=supply_loader');
    assert.equal(stack.warehouse.jobDatabaseUser, 'supply_loader');
    const job = resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-run-and-drift')!;
    const creds = statementsOf(job.attrs.policy).find((s) => s.Sid === 'TemporaryCredentialsForTheEtlUser')!;
    assert.match((creds.Resource as string[])[0], /:dbuser:redshift-loader-dev-warehouse\/supply_loader$/);
    assert.equal(synthStack(dev).stack.warehouse.jobDatabaseUser, 'etl_loader');
    assert.throws(() => synthStack({ ...dev, etlUser: 'rl_admin' }), /etlUser must not be the admin/);
    assert.throws(() => synthStack({ ...dev, etlUser: 'IAMR:x' }), /etlUser must be lower-case/);
  });
});

describe('Warehouse (serverless option)', () => {
  const serverless: EnvironmentSettings = {
    ...dev,
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    warehouse: { kind: 'serverless', baseCapacity: 8, maxCapacity: 64, slices: 4 },
  };
  const { json, tf } = warehouseScope(serverless);

  it('is a namespace and a private workgroup with the same guarantees', () => {
    assert.equal(Testing.toHaveResource(json, 'aws_redshift_cluster'), false);
    assert.ok(has(json, 'aws_redshiftserverless_namespace', { kms_key_id: KEY_ARN, manage_admin_password: true, admin_username: 'rl_admin', db_name: 'supply_chain' }));
    assert.ok(
      has(json, 'aws_redshiftserverless_workgroup', {
        publicly_accessible: false,
        enhanced_vpc_routing: true,
        config_parameter: [
          { parameter_key: 'require_ssl', parameter_value: 'true' },
          { parameter_key: 'enable_user_activity_logging', parameter_value: 'true' },
        ],
      }),
    );
  });

  it('scopes IAM credentials and the Data API to the workgroup, and reads no secret', () => {
    // The job statements are consumed by Compute; synthesize the whole stack to read them.
    const { tf: whole, stack } = synthStack(serverless);
    const job = resources(whole, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-run-and-drift')!;
    const st = statementsOf(job.attrs.policy);
    const creds = st.find((s) => s.Sid === 'IamCredentialsForThisWorkgroup')!;
    assert.deepEqual(creds.Action, ['redshift-serverless:GetCredentials']);
    assert.match(String(creds.Resource), /^\$\{aws_redshiftserverless_workgroup\.[^.]+\.arn\}$/);
    const data = st.find((s) => s.Sid === 'DataApiOnThisWorkgroup')!;
    assert.match(String(data.Resource), /^\$\{aws_redshiftserverless_workgroup\.[^.]+\.arn\}$/);
    const actions = st.flatMap((s) => [s.Action].flat());
    assert.deepEqual(actions.filter((a) => a!.startsWith('secretsmanager:') || a!.startsWith('redshift:')), []);
    assert.ok(tf.resource?.aws_redshiftserverless_workgroup, 'workgroup');
    // The job role's own identity: no ?user=, no secret; the database user is IAMR:<job role name>.
    assert.equal(stack.warehouse.uri, 'redshift-data:workgroup/redshift-loader-dev-warehouse/supply_chain');
    assert.equal(stack.warehouse.jobDatabaseUser, 'IAMR:redshift-loader-dev-batch-job');
    assert.ok(resources(whole, 'aws_iam_role').some((r) => `IAMR:${text(r.attrs.name)}` === stack.warehouse.jobDatabaseUser), 'IAMR:<the job role>');
  });
});

describe('Catalog', () => {
  const { json, tf } = synthScope((s) => {
    const ctx = testContext();
    const storage = new Storage(s, 'storage', ctx, KEY_ARN);
    new Catalog(s, 'catalog', ctx, { keyArn: KEY_ARN, storage, datasets: DATASETS });
  });

  it('derives each landing root from the contract', () => {
    assert.equal(landingRoot(supplier), 'supplier/');
    assert.equal(landingRoot({ ...supplier, source: { ...supplier.source, prefix: 'vendors/{dataset}/{yyyymmdd}/' } }), 'vendors/supplier/');
  });

  it('creates one scheduled crawler per dataset, on its own landing prefix, with update/log schema changes and a recrawl policy', () => {
    assert.ok(has(json, 'aws_glue_catalog_database', { name: 'redshift_loader_dev_landing' }));
    assert.ok(DATASETS.length >= 8, `${DATASETS.length} datasets`);
    assert.equal(resources(tf, 'aws_glue_crawler').length, DATASETS.length);
    assert.ok(has(json, 'aws_glue_security_configuration', { name: 'redshift-loader-dev-glue' }));
    for (const d of DATASETS) {
      assert.ok(
        has(json, 'aws_glue_crawler', {
          name: `redshift-loader-dev-${d.name}`,
          schedule: dev.crawlerScheduleUtc,
          schema_change_policy: { update_behavior: 'UPDATE_IN_DATABASE', delete_behavior: 'LOG' },
          recrawl_policy: { recrawl_behavior: 'CRAWL_EVERYTHING' },
          tags: { Dataset: d.name },
        }),
      );
      const c = only(resources(tf, 'aws_glue_crawler').filter((r) => r.attrs.name === `redshift-loader-dev-${d.name}`), `crawler ${d.name}`).attrs;
      assert.match(strAt(c, 'security_configuration'), /^\$\{aws_glue_security_configuration\./);
      assert.match(strAt(c, 's3_target', 0, 'path'), new RegExp(`^s3://\\$\\{aws_s3_bucket\\.storage_landing_.*\\.bucket\\}/${landingRoot(d)}$`), d.name);
    }
  });

  it('classifies each dataset\'s delimited files as its contract declares them', () => {
    assert.equal(resources(tf, 'aws_glue_classifier').length, DATASETS.length);
    for (const d of DATASETS) {
      assert.ok(
        has(json, 'aws_glue_classifier', {
          name: `redshift-loader-dev-${d.name}-csv`,
          csv_classifier: { delimiter: '|', contains_header: 'ABSENT', header: d.columns.map((c) => c.name) },
        }),
      );
      const crawler = resources(tf, 'aws_glue_crawler').find((r) => r.attrs.name === `redshift-loader-dev-${d.name}`)!;
      const classifier = resources(tf, 'aws_glue_classifier').find((r) => r.attrs.name === `redshift-loader-dev-${d.name}-csv`)!;
      assert.ok(refersTo(JSON.stringify(crawler.attrs.classifiers), classifier), `crawler ${d.name} uses its own classifier`);
    }
  });

  it('encrypts CloudWatch, job bookmarks and S3 with the key', () => {
    assert.ok(
      has(json, 'aws_glue_security_configuration', {
        encryption_configuration: {
          cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS', kms_key_arn: KEY_ARN },
          job_bookmarks_encryption: { job_bookmarks_encryption_mode: 'CSE-KMS', kms_key_arn: KEY_ARN },
          s3_encryption: { s3_encryption_mode: 'SSE-KMS', kms_key_arn: KEY_ARN },
        },
      }),
    );
  });

  it('lets the crawler role read only the landing prefixes and write only this database', () => {
    const pol = resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-crawl-landing')!;
    const st = statementsOf(pol.attrs.policy);
    const read = st.find((s) => s.Sid === 'ReadLandingPrefixes')!;
    assert.deepEqual(
      [read.Resource].flat().map((r) => String(r).replace(/^\$\{aws_s3_bucket\.storage_landing_[A-Z0-9]+\.arn\}/, '<landing>')).sort(),
      DATASETS.map((d) => `<landing>/${landingRoot(d)}*`).sort(),
    );
    const write = st.find((s) => s.Sid === 'WriteLandingTables')!;
    assert.deepEqual(write.Resource, [
      `arn:aws:glue:eu-west-1:${ACCOUNT}:catalog`,
      `arn:aws:glue:eu-west-1:${ACCOUNT}:database/redshift_loader_dev_landing`,
      `arn:aws:glue:eu-west-1:${ACCOUNT}:table/redshift_loader_dev_landing/*`,
    ]);
    for (const a of [write.Action].flat()) assert.ok(!/Delete/.test(a!), `${a} deletes`);
  });
});

describe('Compute', () => {
  const { json, tf } = synthScope((s) => {
    const ctx = testContext();
    const network = new Network(s, 'network', ctx, KEY_ARN);
    const storage = new Storage(s, 'storage', ctx, KEY_ARN);
    const warehouse = new Warehouse(s, 'warehouse', ctx, { keyArn: KEY_ARN, network, storage, datasets: DATASETS });
    const catalog = new Catalog(s, 'catalog', ctx, { keyArn: KEY_ARN, storage, datasets: DATASETS });
    new Compute(s, 'compute', ctx, { keyArn: KEY_ARN, imageTag: 'abc123', network, storage, warehouse, catalog, datasets: DATASETS });
  });
  const defs = resources(tf, 'aws_batch_job_definition').map((r) => ({ r, props: JSON.parse(strAt(r.attrs, 'container_properties')) as ContainerProperties }));

  it('runs on Fargate in the private subnets, behind the Batch security group', () => {
    const ce = only(resources(tf, 'aws_batch_compute_environment'), 'compute environment').attrs;
    assert.equal(ce.name, 'redshift-loader-dev-fargate');
    assert.equal(at(ce, 'compute_resources', 'type'), 'FARGATE');
    assert.equal(arrAt(ce, 'compute_resources', 'subnets').length, 2);
    assert.ok(has(json, 'aws_batch_job_queue', { name: 'redshift-loader-dev-jobs', state: 'ENABLED' }));
  });

  it('pulls an immutable, scanned, KMS-encrypted image', () => {
    assert.ok(
      has(json, 'aws_ecr_repository', {
        name: 'redshift-loader-dev',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: KEY_ARN }],
      }),
    );
    for (const { props } of defs) assert.match(String(props.image), /repository_url\}:abc123$/);
  });

  it('logs the jobs in as the ETL user through IAM: RL_WAREHOUSE ?user=etl_loader, no RL_SECRET_ARN', () => {
    for (const { r, props } of defs) {
      const env = Object.fromEntries(props.environment!.map((e) => [e.name, e.value]));
      assert.equal(env.RL_WAREHOUSE, 'redshift-data:cluster/redshift-loader-dev-warehouse/supply_chain?user=etl_loader', text(r.attrs.name));
      assert.equal(env.RL_SECRET_ARN, undefined, text(r.attrs.name));
    }
  });

  it('defines run and drift with the CLI commands, unprivileged, without public IPs, read-only root', () => {
    const byName = Object.fromEntries(defs.map((d) => [text(d.r.attrs.name), d.props]));
    assert.deepEqual(byName['redshift-loader-dev-run'].command, [...JOB_COMMANDS.run]);
    assert.deepEqual(byName['redshift-loader-dev-drift'].command, ['drift', '--dataset', 'Ref::dataset']);
    assert.deepEqual(byName['redshift-loader-dev-plan'].command, ['plan', '--dataset', 'Ref::dataset', '--date', 'Ref::date', '--shards', 'Ref::shards', '--pointer', 'Ref::pointer']);
    assert.deepEqual(byName['redshift-loader-dev-partition'].command, ['partition', '--plan', 'Ref::plan']);
    assert.deepEqual(byName['redshift-loader-dev-load'].command, ['load', '--plan', 'Ref::plan']);
    for (const { props } of defs) {
      assert.equal(props.privileged, false);
      assert.equal(props.readonlyRootFilesystem, true);
      assert.deepEqual(props.networkConfiguration, { assignPublicIp: 'DISABLED' });
      assert.notEqual(props.jobRoleArn, props.executionRoleArn);
      assert.equal(props.logConfiguration?.logDriver, 'awslogs');
    }
  });

  it('retries exit codes 1, 5 and 143 (SIGTERM, rolled back) only — a partition shard 1 and 143 — and times out', () => {
    for (const { r } of defs) {
      const shard = r.attrs.name === 'redshift-loader-dev-partition';
      assert.deepEqual(at(r.attrs, 'retry_strategy', 'evaluate_on_exit'), [
        { action: 'RETRY', on_exit_code: '1' },
        ...(shard ? [] : [{ action: 'RETRY', on_exit_code: '5' }]),
        { action: 'RETRY', on_exit_code: '143' },
        { action: 'EXIT', on_exit_code: '*' },
        { action: 'EXIT', on_reason: '*' },
      ], text(r.attrs.name));
      const seconds = at(r.attrs, 'timeout', 'attempt_duration_seconds');
      assert.ok(typeof seconds === 'number' && seconds >= 60, 'timeout');
    }
  });

  it('scopes the job role to each dataset\'s own prefixes: landing read, staging and reports write, its crawler', () => {
    const job = statementsOf(resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-run-and-drift')!.attrs.policy);
    const keysOf = (sid: string): string[] =>
      [job.find((s) => s.Sid === sid)!.Resource].flat().map((r) => String(r).replace(/^\$\{aws_s3_bucket\.storage_([a-z]+)_[A-Z0-9]+\.arn\}/, '<$1>')).sort();
    const prefixesOf = (sid: string): string[] => [(job.find((s) => s.Sid === sid)!.Condition as { StringLike: Record<string, string[]> }).StringLike['s3:prefix']].flat().sort();
    const each = (f: (d: string) => string): string[] => DATASETS.map((d) => f(d.name)).sort();
    const roots = DATASETS.map((d) => landingRoot(d)).sort(); // supplier_dim reads supplier/
    assert.deepEqual(keysOf('ReadLandingBatches'), roots.map((r) => `<landing>/${r}*`));
    assert.deepEqual(prefixesOf('ListLandingBatches'), roots.map((r) => `${r}*`));
    assert.deepEqual(keysOf('WriteStagedParts'), each((d) => `<staging>/${d}/*`));
    assert.deepEqual(prefixesOf('ListStagedParts'), each((d) => `${d}/*`));
    assert.deepEqual(keysOf('WriteReports'), each((d) => `<reports>/${d}/*`));
    assert.deepEqual(prefixesOf('ListReports'), each((d) => `${d}/*`));
    assert.deepEqual(keysOf('StartDatasetCrawlers'), each((d) => `arn:aws:glue:eu-west-1:${ACCOUNT}:crawler/redshift-loader-dev-${d}`));
    assert.deepEqual(keysOf('WritePlanPointers'), ['<staging>/plans/*']);
    // One job definition per command serves every dataset: the dataset (or the plan) is the job's parameter.
    assert.deepEqual(defs.map((d) => text(d.r.attrs.name)).sort(), ['drift', 'load', 'partition', 'plan', 'run'].map((k) => `redshift-loader-dev-${k}`));
  });

  it('keeps the execution role to pulling and logging, and the job role to its data', () => {
    const exec = resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-pull-image-write-logs')!;
    assert.deepEqual(statementsOf(exec.attrs.policy).flatMap((s) => [s.Action].flat()).sort(), [
      'ecr:BatchCheckLayerAvailability',
      'ecr:BatchGetImage',
      'ecr:GetAuthorizationToken',
      'ecr:GetDownloadUrlForLayer',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const job = statementsOf(resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-run-and-drift')!.attrs.policy);
    const data = job.find((s) => s.Sid === 'DataApiOnThisCluster')!;
    assert.deepEqual(data.Resource, [`arn:aws:redshift:eu-west-1:${ACCOUNT}:cluster:redshift-loader-dev-warehouse`]);
    const creds = job.find((s) => s.Sid === 'TemporaryCredentialsForTheEtlUser')!;
    assert.deepEqual(creds.Action, ['redshift:GetClusterCredentials']);
    assert.deepEqual(creds.Resource, [
      `arn:aws:redshift:eu-west-1:${ACCOUNT}:dbuser:redshift-loader-dev-warehouse/etl_loader`,
      `arn:aws:redshift:eu-west-1:${ACCOUNT}:dbname:redshift-loader-dev-warehouse/supply_chain`,
    ]);
    const actions = job.flatMap((s) => [s.Action].flat());
    for (const a of ['redshift:GetClusterCredentialsWithIAM', 'redshift:CreateClusterUser', 'redshift:JoinGroup', 'redshift-serverless:GetCredentials']) {
      assert.ok(!actions.includes(a), `the job role may not ${a}`);
    }
    assert.deepEqual(actions.filter((a) => a!.startsWith('secretsmanager:')), [], 'the job role reads no secret');
    assert.deepEqual(job.find((s) => s.Sid === 'UseKeyThroughServices')!.Condition?.StringEquals?.['kms:ViaService'], ['s3.eu-west-1.amazonaws.com', 'glue.eu-west-1.amazonaws.com']);
    const own = job.find((s) => s.Sid === 'DataApiOwnStatementsOnly')!;
    assert.deepEqual(own.Condition, { StringEquals: { 'redshift-data:statement-owner-iam-userid': '$${aws:userid}' } });
    assert.ok(!job.some((s) => [s.Action].flat().includes('iam:PassRole')), 'no PassRole');
    assert.ok(has(json, 'aws_cloudwatch_log_group', { name: '/redshift-loader/dev/batch', kms_key_id: KEY_ARN, retention_in_days: 365 }));
  });
});

describe('Alerts', () => {
  const { json, tf } = synthScope((s) => new Alerts(s, 'alerts', testContext(), { keyArn: KEY_ARN, queueArn: 'arn:queue', reportsBucket: 'reports' }));

  it('encrypts the topic with the key and subscribes the settings e-mail', () => {
    assert.ok(has(json, 'aws_sns_topic', { name: 'redshift-loader-dev-alerts', kms_master_key_id: KEY_ARN }));
    assert.ok(has(json, 'aws_sns_topic_subscription', { protocol: 'email', endpoint: dev.alertEmail }));
  });

  it('routes failed Batch jobs and breaking drift to the topic', () => {
    const rules = resources(tf, 'aws_cloudwatch_event_rule');
    assert.deepEqual(JSON.parse(strAt(rules.find((r) => r.attrs.name === 'redshift-loader-dev-job-failed')!.attrs, 'event_pattern')), jobFailedPattern('arn:queue'));
    assert.deepEqual(JSON.parse(strAt(rules.find((r) => r.attrs.name === 'redshift-loader-dev-breaking-drift')!.attrs, 'event_pattern')), breakingDriftPattern('arn:queue'));
    for (const t of resources(tf, 'aws_cloudwatch_event_target')) assert.match(strAt(t.attrs, 'arn'), /aws_sns_topic\.alerts_topic/);
  });

  it('lets only these rules publish, and only over TLS', () => {
    const st = statementsOf(only(resources(tf, 'aws_sns_topic_policy'), 'topic policy').attrs.policy);
    const allowEvents = st.find((s) => s.Sid === 'EventBridgeRulesOfThisEnvironment')!;
    assert.equal((allowEvents.Condition?.ArnEquals?.['aws:SourceArn'] as string[]).length, 2);
    assert.equal(st.find((s) => s.Sid === 'DenyInsecureTransport')!.Effect, 'Deny');
  });
});

describe('Orchestration', () => {
  const { json, tf } = synthStack(dev);

  it('schedules each dataset nightly in the environment time zone, into the state machine', () => {
    assert.equal(nightlyCron('02:05'), 'cron(5 2 * * ? *)');
    assert.equal(resources(tf, 'aws_scheduler_schedule').length, DATASETS.length);
    for (const d of DATASETS) {
      assert.ok(
        has(json, 'aws_scheduler_schedule', {
          name: `redshift-loader-dev-${d.name}-nightly`,
          schedule_expression: 'cron(0 2 * * ? *)',
          schedule_expression_timezone: 'Europe/Berlin',
          flexible_time_window: { mode: 'OFF' },
        }),
      );
      const s = only(resources(tf, 'aws_scheduler_schedule').filter((r) => r.attrs.name === `redshift-loader-dev-${d.name}-nightly`), `schedule ${d.name}`).attrs;
      assert.deepEqual(JSON.parse(strAt(s, 'target', 'input')), { dataset: d.name, scheduledTime: '<aws.scheduler.scheduled-time>' });
      assert.match(strAt(s, 'target', 'arn'), /aws_sfn_state_machine\./);
    }
  });

  it('runs plan -> partition shards -> load with the batch date, logged, traced and encrypted', () => {
    const m = only(resources(tf, 'aws_sfn_state_machine'), 'state machine').attrs;
    const def = JSON.parse(strAt(m, 'definition')) as StateMachineDefinition;
    assert.equal(def.QueryLanguage, 'JSONata');
    assert.equal(def.StartAt, 'Trigger', 'a marker event is told apart first; every other input goes to BatchDate');
    assert.equal((def.States as unknown as Record<string, { Default?: string }>).Trigger.Default, 'BatchDate');
    assert.match(def.States.BatchDate.Assign.batchDate, /\$toMillis\(.*scheduledTime.*Execution\.StartTime\) - 45000000/);
    const plan = def.States.SubmitPlan;
    assert.equal(plan.Resource, 'arn:aws:states:::batch:submitJob.sync');
    assert.match(plan.Arguments.JobDefinition, /aws_batch_job_definition\.compute_job-plan_/);
    assert.deepEqual(plan.Arguments.Parameters, {
      dataset: '{% $dataset %}',
      date: '{% $batchDate %}',
      shards: '{% $string($sizing.shards) %}',
      pointer: plan.Arguments.Parameters.pointer,
    });
    assert.match(plan.Arguments.Parameters.pointer, /^\{% 's3:\/\/\$\{aws_s3_bucket\.storage_staging_[A-Z0-9]+\.bucket\}\/' & \$pointerKey %\}$/);
    assert.equal(def.States.ReadPlan.Resource, 'arn:aws:states:::aws-sdk:s3:getObject');
    assert.equal(def.States.Shards.Type, 'Choice');
    assert.deepEqual(def.States.SubmitShards.Arguments.ArrayProperties, { Size: '{% $shards %}' });
    assert.match(def.States.SubmitShards.Arguments.JobDefinition, /compute_job-partition_/);
    assert.deepEqual(def.States.SubmitShard.Arguments.ContainerOverrides.Command, ['partition', '--plan', '{% $plan %}', '--shard', '0']);
    assert.match(def.States.SubmitLoad.Arguments.JobDefinition, /compute_job-load_/);
    assert.ok(!strAt(m, 'definition').includes('compute_job-run_'), 'the nightly machine no longer submits the single run job');
    assert.ok(!strAt(m, 'definition').includes('%{'), 'no Terraform template directive in the definition');
    assert.equal(at(m, 'logging_configuration', 'level'), 'ALL');
    assert.equal(at(m, 'tracing_configuration', 'enabled'), true);
    assert.equal(at(m, 'encryption_configuration', 'type'), 'CUSTOMER_MANAGED_KMS_KEY');
  });

  it('submits the drift job when a dataset crawler succeeds', () => {
    for (const d of DATASETS) {
      const rule = resources(tf, 'aws_cloudwatch_event_rule').find((r) => r.attrs.name === `redshift-loader-dev-${d.name}-crawled`)!;
      assert.ok(rule, `crawled rule for ${d.name}`);
      assert.deepEqual(JSON.parse(strAt(rule.attrs, 'event_pattern')), {
        source: ['aws.glue'],
        'detail-type': ['Glue Crawler State Change'],
        detail: { crawlerName: [`redshift-loader-dev-${d.name}`], state: ['Succeeded'] },
      });
      const target = resources(tf, 'aws_cloudwatch_event_target').find((t) => refersTo(t.attrs.rule, rule))!;
      assert.match(strAt(target.attrs, 'arn'), /aws_batch_job_queue\./);
      assert.match(strAt(target.attrs, 'batch_target', 'job_definition'), /compute_job-drift_/);
      assert.equal(strAt(target.attrs, 'batch_target', 'job_name'), `redshift-loader-dev-${d.name}-drift`);
      assert.deepEqual(JSON.parse(strAt(target.attrs, 'input')), { dataset: d.name });
    }
    const events = resources(tf, 'aws_iam_role_policy').find((p) => p.attrs.name === 'redshift-loader-dev-submit-drift')!;
    const st = statementsOf(events.attrs.policy);
    assert.deepEqual(st.flatMap((s) => [s.Action].flat()), ['batch:SubmitJob']);
    assert.ok((st[0].Resource as string[]).every((r) => !r.includes('job-definition/redshift-loader-dev-run')), 'drift only');
  });

  it('applies the stack-level settings: provider, backend with a lock file, image tag variable', () => {
    assert.ok(Testing.toHaveProviderWithProperties(json, 'aws', { region: 'eu-west-1' }), 'provider region');
    const tfBlock = (tf as { terraform: { backend: { s3: Record<string, unknown> }; required_version: string } }).terraform;
    assert.equal(tfBlock.backend.s3.use_lockfile, true);
    assert.equal(tfBlock.backend.s3.encrypt, true);
    assert.equal(tfBlock.backend.s3.key, 'redshift-loader/dev/terraform.tfstate');
    assert.equal(tfBlock.required_version, '>= 1.10.0');
    assert.ok((tf.variable as Record<string, unknown>).image_tag, 'image_tag variable');
  });
});
