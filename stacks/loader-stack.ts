import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import type { DatasetContract } from '../datasets/index.ts';
import { Alerts } from './alerts.ts';
import { Catalog } from './catalog.ts';
import { Compute } from './compute.ts';
import { ContractObjects } from './contract-objects.ts';
import { readEnvironmentContracts, withExtraContracts } from './environment-contracts.ts';
import type { StackContext } from './context.ts';
import { EnvironmentKey } from './encryption.ts';
import { PROJECT, validateEnvironment, type EnvironmentSettings } from './environments.ts';
import { Names } from './naming.ts';
import { validateDatasetSizing } from './dataset-sizing.ts';
import { Network } from './network.ts';
import { Orchestration } from './orchestration.ts';
import { EventLoading } from './event-loading.ts';
import { Monitoring } from './monitoring.ts';
import { markerTableOf } from './marker-key.ts';
import { Storage } from './storage.ts';
import { Warehouse } from './warehouse.ts';

export interface LoaderStackProps {
  settings: EnvironmentSettings;
  datasets: DatasetContract[];
  /** Remote state; omit (tests) for Terraform's local default. */
  backend?: { bucket: string; region: string };
}

/** Terraform 1.10 brings S3-native state locking (use_lockfile). */
export const REQUIRED_TERRAFORM = '>= 1.10.0';

/**
 * One environment, whole: network, key, buckets, warehouse, catalog, Batch, schedules and alerts.
 * The stack's name is the environment's name (`cdktf deploy dev`).
 */
export class LoaderStack extends TerraformStack {
  readonly ctx: StackContext;
  readonly key: EnvironmentKey;
  readonly network: Network;
  readonly storage: Storage;
  readonly warehouse: Warehouse;
  readonly catalog: Catalog;
  readonly compute: Compute;
  readonly alerts: Alerts;
  readonly orchestration: Orchestration;
  readonly eventLoading: EventLoading;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, props: LoaderStackProps) {
    const { settings } = props;
    validateEnvironment(settings);
    // The environment's own contract files join the built-in ones: crawlers, schedules, roles for each.
    const extraContracts = readEnvironmentContracts(settings);
    const datasets = withExtraContracts(props.datasets, extraContracts);
    if (datasets.length === 0) throw new Error('no datasets: nothing to load');
    validateDatasetSizing(settings, datasets.map((d) => d.name));
    super(scope, settings.name);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);

    const tags = { Project: PROJECT, Environment: settings.name, ManagedBy: 'cdktf' };
    new AwsProvider(this, 'aws', {
      region: settings.region,
      ...(settings.accountId ? { allowedAccountIds: [settings.accountId] } : {}),
      defaultTags: [{ tags }],
    });
    if (props.backend) {
      const backend = new S3Backend(this, {
        bucket: props.backend.bucket,
        key: `${PROJECT}/${settings.name}/terraform.tfstate`,
        region: props.backend.region,
        encrypt: true,
      });
      // S3-native locking (a .tflock object next to the state); no DynamoDB table needed.
      backend.addOverride('use_lockfile', true);
    }

    const identity = new DataAwsCallerIdentity(this, 'caller');
    const ctx: StackContext = {
      settings,
      names: new Names(settings),
      accountId: identity.accountId,
      region: settings.region,
      partition: 'aws',
      tags: {},
    };
    this.ctx = ctx;

    const imageTag = new TerraformVariable(this, 'image_tag', {
      type: 'string',
      description: 'Tag of the job image in the ECR repository (tags are immutable: one per build, e.g. the git commit)',
      validation: [{ condition: 'length(var.image_tag) > 0 && var.image_tag != "latest"', errorMessage: 'image_tag must name one immutable build, not "latest".' }],
    });

    this.key = new EnvironmentKey(this, 'key', ctx);
    const keyArn = this.key.arn;
    this.network = new Network(this, 'network', ctx, keyArn);
    this.storage = new Storage(this, 'storage', ctx, keyArn);
    this.warehouse = new Warehouse(this, 'warehouse', ctx, { keyArn, network: this.network, storage: this.storage, datasets });
    this.catalog = new Catalog(this, 'catalog', ctx, { keyArn, storage: this.storage, datasets });
    this.compute = new Compute(this, 'compute', ctx, {
      keyArn,
      imageTag: imageTag.stringValue,
      network: this.network,
      storage: this.storage,
      warehouse: this.warehouse,
      catalog: this.catalog,
      datasets,
    });
    if (extraContracts.length && settings.contractsPrefix !== undefined) {
      new ContractObjects(this, 'contracts', ctx, { bucket: this.storage.landing.name, prefix: settings.contractsPrefix, keyArn, files: extraContracts });
    }
    this.alerts = new Alerts(this, 'alerts', ctx, { keyArn, queueArn: this.compute.queue.arn, reportsBucket: this.storage.reports.name });
    this.orchestration = new Orchestration(this, 'orchestration', ctx, {
      keyArn,
      compute: this.compute,
      catalog: this.catalog,
      alerts: this.alerts,
      stagingBucket: this.storage.staging.name,
      stagingBucketArn: this.storage.staging.arn,
    });

    this.eventLoading = new EventLoading(this, 'event-loading', ctx, {
      landingBucketId: this.storage.landing.bucket.id,
      landingBucketName: this.storage.landing.name,
      stateMachineArn: this.orchestration.stateMachine.arn,
      keyArn,
      markers: markerTableOf(datasets),
    });
    this.monitoring = new Monitoring(this, 'monitoring', ctx, { topicArn: this.alerts.topic.arn, stateMachineArn: this.orchestration.stateMachine.arn, datasets });

    const out = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    out('landing_bucket', this.storage.landing.name, 'Landing bucket: <dataset>/<YYYYMMDD>/ folders');
    out('staging_bucket', this.storage.staging.name, 'Staging bucket');
    out('reports_bucket', this.storage.reports.name, 'Reports bucket');
    out('ecr_repository_url', this.compute.repository.repositoryUrl, 'Push the job image here');
    out('job_queue', this.compute.queue.arn, 'Batch job queue');
    out('nightly_state_machine', this.orchestration.stateMachine.arn, 'Start with {"dataset":"…","date":"YYYY-MM-DD"} to (re)run a batch');
    out('warehouse_uri', this.warehouse.uri, 'RL_WAREHOUSE');
    out('warehouse_etl_user', this.warehouse.jobDatabaseUser, 'The database user the jobs log in as through IAM: run `setup --etl-user` with it once');
    out('warehouse_admin_secret_arn', this.warehouse.adminSecretArn, 'The admin secret Redshift manages (encrypted with the key): for the one-off `setup` by an admin, never given to the jobs');
    out('alerts_topic', this.alerts.topic.arn, 'Alert topic (confirm the e-mail subscription)');
  }
}
