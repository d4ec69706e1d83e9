import type { DatasetSizingSettings } from './dataset-sizing.ts';
import { fargateMemoryFits } from './fargate-sizes.ts';

/**
 * The environments, declared as data. A stack is built from one of these and nothing else (plus the
 * dataset contracts), so adding an environment is adding an entry here.
 */

/** A provisioned Redshift cluster (the default). */
export interface ProvisionedWarehouse {
  kind: 'provisioned';
  /** e.g. ra3.xlplus, ra3.4xlarge. */
  nodeType: string;
  nodes: number;
  /** Slices per node of that node type (RL_SLICES = nodes × slicesPerNode). */
  slicesPerNode: number;
  /** Automated snapshots are kept this many days (1..35). */
  snapshotRetentionDays: number;
  /** Weekly maintenance window, UTC (ddd:hh24:mi-ddd:hh24:mi). */
  maintenanceWindow: string;
}

/** Redshift Serverless: a namespace and a workgroup. */
export interface ServerlessWarehouse {
  kind: 'serverless';
  /** Base RPUs (8..512, in steps of 8). */
  baseCapacity: number;
  /** Upper bound on RPUs. */
  maxCapacity: number;
  /** The slice count the loader plans part files for (Serverless has no STV_SLICES to read). */
  slices: number;
}

export type WarehouseSettings = ProvisionedWarehouse | ServerlessWarehouse;

/** vCPU and memory of one Fargate job, and how long one attempt may run. */
export interface JobSize {
  /** Fargate vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16. */
  vcpu: number;
  /** MiB; must be a valid Fargate combination with vcpu. */
  memoryMiB: number;
  /** Batch kills an attempt after this many seconds (>= 60). */
  timeoutSeconds: number;
}

export interface EnvironmentSettings {
  /** Short name, part of every resource name: lower case letters and digits. */
  name: string;
  region: string;
  /** When set, the provider refuses to touch any other account. */
  accountId?: string;
  /** Full AZ names; the private subnets are spread across them (at least two). */
  availabilityZones: string[];
  /** The VPC's CIDR; one /20 per AZ is carved from it. */
  vpcCidr: string;
  warehouse: WarehouseSettings;
  /** The warehouse database (not Redshift's default `dev`). */
  database: string;
  /** Admin user name (not Redshift's default `awsuser`); its password is managed by Redshift in Secrets Manager. */
  adminUsername: string;
  /**
   * The least-privileged database user the nightly jobs log in as on a provisioned cluster (default
   * `etl_loader`): temporary credentials for exactly this user through IAM (GetClusterCredentials),
   * never the admin's secret. An admin creates it once with `redshift-loader setup --etl-user <name>`.
   * Not used on Serverless, where the database user is the job role's own (`IAMR:<job role name>`).
   */
  etlUser?: string;
  /**
   * Where the jobs read the users' own contracts (RL_CONTRACTS): a prefix of the landing bucket, e.g.
   * `contracts/` (stacks/contracts-location.ts says why there). Unset: RL_CONTRACTS stays unset and the
   * jobs use the contracts baked into the image. Contracts uploaded there by hand are loaded by the jobs,
   * but crawlers and schedules exist only for the built-in ones and `contractFiles`.
   */
  contractsPrefix?: string;
  /**
   * Extra contract files (paths in this repository, e.g. `contracts/acme_orders.json`) the stacks read at
   * synth: each gets a crawler, schedule and crawler rule like a built-in one, and is uploaded to
   * `contractsPrefix` (required with it) for the jobs (stacks/environment-contracts.ts).
   */
  contractFiles?: string[];
  /** IANA time zone the nightly schedule runs in. */
  timezone: string;
  nightly: {
    /** Local time of day of the nightly run, HH:MM. */
    at: string;
    /** The batch date is the local date of the scheduled run minus this many days (1 = yesterday's files). */
    batchDateOffsetDays: number;
  };
  /** Glue crawler schedule. Glue crawler schedules are UTC only: cron(min hour dom month dow year). */
  crawlerScheduleUtc: string;
  retention: {
    /** CloudWatch Logs retention, a value CloudWatch accepts (>= 365 for audit). */
    logDays: number;
    /** Staging parts and manifests expire after this many days. */
    stagingDays: number;
    /** Reports expire after this many days. */
    reportsDays: number;
    /** Access logs expire after this many days. */
    accessLogDays: number;
    /** Noncurrent object versions expire after this many days, in every bucket. */
    noncurrentVersionDays: number;
    /** Incomplete multipart uploads are aborted after this many days, in every bucket. */
    abortMultipartDays: number;
  };
  /** Where failures and breaking-drift reports are sent (an SNS email subscription). */
  alertEmail: string;
  batch: {
    /** Upper bound of the Fargate compute environment. */
    maxVcpus: number;
    /** The single `run` job (manual use), and the `plan` and `load` steps of the nightly machine. */
    run: JobSize;
    drift: JobSize;
    /**
     * Per dataset: shards and each shard's vCPU/memory in the nightly machine (stacks/dataset-sizing.ts).
     * A dataset not named here: 1 shard of the `run` size.
     */
    datasets?: Record<string, DatasetSizingSettings>;
  };
  /**
   * true: `destroy` keeps data (final Redshift snapshot, buckets must be emptied by hand, 30-day key
   * deletion window). false (dev): buckets and the ECR repository are force-destroyed.
   */
  protectData: boolean;
  /**
   * Manage the account-wide Glue Data Catalog encryption settings from this stack. There is one such
   * setting per account and region: with several environments in one account, set it on one only.
   */
  manageCatalogEncryption: boolean;
  /** Remote state: an S3 bucket (versioned, encrypted) with S3-native locking. */
  state: { bucket: string; region: string };
}

/** The project prefix of every resource name. */
export const PROJECT = 'redshift-loader';

export const dev: EnvironmentSettings = {
  name: 'dev',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  vpcCidr: '10.40.0.0/16',
  warehouse: {
    kind: 'provisioned',
    nodeType: 'ra3.xlplus',
    nodes: 1,
    slicesPerNode: 2,
    snapshotRetentionDays: 7,
    maintenanceWindow: 'sun:03:00-sun:03:30',
  },
  database: 'supply_chain',
  adminUsername: 'rl_admin',
  timezone: 'Europe/Berlin',
  nightly: { at: '02:00', batchDateOffsetDays: 1 },
  crawlerScheduleUtc: 'cron(15 23 * * ? *)',
  retention: {
    logDays: 365,
    stagingDays: 7,
    reportsDays: 90,
    accessLogDays: 90,
    noncurrentVersionDays: 7,
    abortMultipartDays: 1,
  },
  alertEmail: 'data-platform-dev@example.com',
  batch: {
    maxVcpus: 16,
    run: { vcpu: 2, memoryMiB: 8192, timeoutSeconds: 4 * 3600 },
    drift: { vcpu: 0.5, memoryMiB: 2048, timeoutSeconds: 1800 },
    // Two shards, so dev runs the array path every night.
    datasets: { lineitem: { shards: 2 } },
  },
  protectData: false,
  manageCatalogEncryption: true,
  state: { bucket: 'redshift-loader-tfstate-dev', region: 'eu-west-1' },
};

export const prod: EnvironmentSettings = {
  name: 'prod',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  vpcCidr: '10.50.0.0/16',
  warehouse: {
    kind: 'provisioned',
    nodeType: 'ra3.4xlarge',
    nodes: 2,
    slicesPerNode: 4,
    snapshotRetentionDays: 35,
    maintenanceWindow: 'sun:04:00-sun:04:30',
  },
  database: 'supply_chain',
  adminUsername: 'rl_admin',
  timezone: 'Europe/Berlin',
  nightly: { at: '02:00', batchDateOffsetDays: 1 },
  crawlerScheduleUtc: 'cron(15 23 * * ? *)',
  retention: {
    logDays: 731,
    stagingDays: 14,
    reportsDays: 400,
    accessLogDays: 365,
    noncurrentVersionDays: 30,
    abortMultipartDays: 3,
  },
  alertEmail: 'data-platform-oncall@example.com',
  batch: {
    maxVcpus: 64,
    run: { vcpu: 4, memoryMiB: 16384, timeoutSeconds: 6 * 3600 },
    drift: { vcpu: 1, memoryMiB: 4096, timeoutSeconds: 1800 },
    // The two fact tables (SF 1000: 6 billion and 1.5 billion rows a night) are cut into shards of
    // 2 vCPU each; 24 + 8 shards use at most 64 vCPU, the compute environment's bound.
    datasets: {
      lineitem: { shards: 24, vcpu: 2, memoryMiB: 8192 },
      orders: { shards: 8, vcpu: 2, memoryMiB: 8192 },
    },
  },
  protectData: true,
  manageCatalogEncryption: true,
  state: { bucket: 'redshift-loader-tfstate-prod', region: 'eu-west-1' },
};

/** Every environment `npm run synth` writes, by name. */
export const environments: Readonly<Record<string, EnvironmentSettings>> = { dev, prod };

/** The ETL user of `setup` (sql/setup.ts) when an environment names none. */
export const DEFAULT_ETL_USER = 'etl_loader';

/** The database user the nightly jobs log in as on a provisioned cluster. */
export function etlUser(e: Pick<EnvironmentSettings, 'etlUser'>): string {
  return e.etlUser ?? DEFAULT_ETL_USER;
}

/** The slice count a warehouse runs COPY with (what RL_SLICES carries). */
export function warehouseSlices(w: WarehouseSettings): number {
  return w.kind === 'provisioned' ? w.nodes * w.slicesPerNode : w.slices;
}

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Throws on settings AWS would reject at deploy time, so a bad entry fails at synth. */
export function validateEnvironment(e: EnvironmentSettings): void {
  const fail = (m: string): never => {
    throw new Error(`environment ${e.name}: ${m}`);
  };
  if (!/^[a-z][a-z0-9]{1,11}$/.test(e.name)) fail('name must be 2-12 lower-case letters/digits');
  if (e.availabilityZones.length < 2) fail('at least two availability zones');
  if (!e.availabilityZones.every((az) => az.startsWith(e.region))) fail('availability zones must be in the region');
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(e.retention.logDays)) fail(`logDays ${e.retention.logDays} is not a CloudWatch retention value`);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(e.nightly.at)) fail('nightly.at must be HH:MM');
  if (!/^cron\(.+\)$/.test(e.crawlerScheduleUtc)) fail('crawlerScheduleUtc must be cron(...)');
  if (['dev'].includes(e.database)) fail('database must not be the default name');
  if (['awsuser', 'admin', 'root', 'master'].includes(e.adminUsername)) fail('adminUsername must not be a default');
  // What `setup` accepts as a user name (sql/sql-text.ts ident()): it also goes unescaped into RL_WAREHOUSE.
  if (!/^[a-z_][a-z0-9_]{0,126}$/.test(etlUser(e))) fail('etlUser must be lower-case letters, digits and underscores, starting with a letter or underscore');
  if (etlUser(e) === e.adminUsername) fail('etlUser must not be the admin user: the jobs log in as a least-privileged user');
  if (!/^[^@\s]+@[^@\s]+$/.test(e.alertEmail)) fail('alertEmail must be an e-mail address');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: e.timezone });
  } catch {
    fail(`unknown time zone ${e.timezone}`);
  }
  for (const [job, size] of Object.entries({ run: e.batch.run, drift: e.batch.drift })) {
    if (size.timeoutSeconds < 60) fail(`${job}.timeoutSeconds must be >= 60`);
    if (!fargateMemoryFits(size.vcpu, size.memoryMiB)) fail(`${job}: ${size.vcpu} vCPU with ${size.memoryMiB} MiB is not a Fargate size`);
  }
  const w = e.warehouse;
  if (w.kind === 'provisioned') {
    if (w.snapshotRetentionDays < 1 || w.snapshotRetentionDays > 35) fail('snapshotRetentionDays must be 1..35');
    if (w.nodes < 1) fail('nodes must be >= 1');
  } else if (w.baseCapacity % 8 !== 0 || w.baseCapacity < 8 || w.maxCapacity < w.baseCapacity) {
    fail('serverless capacity: base a multiple of 8, max >= base');
  }
}
