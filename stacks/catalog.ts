import { Construct } from 'constructs';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database/index.js';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler/index.js';
import { GlueClassifier } from '@cdktf/provider-aws/lib/glue-classifier/index.js';
import { GlueSecurityConfiguration } from '@cdktf/provider-aws/lib/glue-security-configuration/index.js';
import { GlueDataCatalogEncryptionSettings } from '@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { DatasetContract } from '../datasets/index.ts';
import { arn, type StackContext } from './context.ts';
import { NAME_LIMITS } from './bounded-name.ts';
import { allow, policy, trustService } from './iam.ts';
import type { Storage } from './storage.ts';

/**
 * The landing prefix of a dataset's batches: the contract's source prefix up to the first
 * placeholder after `{dataset}` (`{dataset}/{yyyymmdd}/` -> `supplier/`).
 */
export function landingRoot(d: DatasetContract): string {
  const withName = d.source.prefix.replaceAll('{dataset}', d.name);
  const cut = withName.indexOf('{');
  const root = cut < 0 ? withName : withName.slice(0, cut);
  if (!root || root.startsWith('/')) throw new Error(`dataset ${d.name}: source prefix ${d.source.prefix} has no fixed root`);
  return root.endsWith('/') ? root : root.slice(0, root.lastIndexOf('/') + 1);
}

/**
 * Crawler settings: one table per dataset however many batch folders it has, partitions inherit the
 * table's schema, and a partition index.
 */
export const CRAWLER_CONFIGURATION = {
  Version: 1.0,
  Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
  CreatePartitionIndex: true,
};

export interface DatasetCrawler {
  dataset: DatasetContract;
  crawler: GlueCrawler;
  name: string;
  arn: string;
}

/**
 * The Glue Data Catalog side: a database for the landing zone, a security configuration (KMS for
 * CloudWatch, job bookmarks and S3), and one crawler per dataset contract, each on the environment's
 * schedule, updating the table and logging deletions, crawling everything every time (the only
 * recrawl behaviour Glue allows with UPDATE_IN_DATABASE). The crawler role reads the datasets'
 * landing prefixes and writes this database's tables, nothing more.
 */
export class Catalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly databaseName: string;
  readonly crawlers: DatasetCrawler[];
  readonly crawlerRole: IamRole;
  readonly securityConfiguration: GlueSecurityConfiguration;

  constructor(scope: Construct, id: string, ctx: StackContext, deps: { keyArn: string; storage: Storage; datasets: DatasetContract[] }) {
    super(scope, id);
    const { names, settings } = ctx;
    const landing = deps.storage.landing;
    this.databaseName = names.snake('landing');

    if (settings.manageCatalogEncryption) {
      new GlueDataCatalogEncryptionSettings(this, 'catalog-encryption', {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: deps.keyArn },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: deps.keyArn },
        },
      });
    }

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: this.databaseName,
      description: `Landing zone of ${settings.name}: one table per dataset, written by its crawler`,
      locationUri: `s3://${landing.name}/`,
      tags: ctx.tags,
    });

    const securityConfigurationName = names.of('glue');
    this.securityConfiguration = new GlueSecurityConfiguration(this, 'security-configuration', {
      name: securityConfigurationName,
      encryptionConfiguration: {
        cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: deps.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: deps.keyArn },
        s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: deps.keyArn },
      },
    });

    const roleName = names.of('crawler');
    // With a security configuration, crawlers log to this group; created here to set retention.
    new CloudwatchLogGroup(this, 'crawler-log-group', {
      name: `/aws-glue/crawlers-role/${roleName}-${securityConfigurationName}`,
      kmsKeyId: deps.keyArn,
      retentionInDays: settings.retention.logDays,
      tags: ctx.tags,
    });

    const roots = deps.datasets.map(landingRoot);
    const catalogArn = arn(ctx, 'glue', 'catalog');
    const databaseArn = arn(ctx, 'glue', `database/${this.databaseName}`);
    const tablesArn = arn(ctx, 'glue', `table/${this.databaseName}/*`);
    const crawlerLogs = arn(ctx, 'logs', 'log-group:/aws-glue/crawlers*');
    this.crawlerRole = new IamRole(this, 'crawler-role', {
      name: roleName,
      description: 'Glue crawlers: read the datasets landing prefixes, write the landing database',
      assumeRolePolicy: trustService('glue.amazonaws.com', ctx.accountId),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'crawler-policy', {
      name: names.of('crawl-landing'),
      role: this.crawlerRole.name,
      policy: policy(
        allow('ReadLandingPrefixes', ['s3:GetObject'], roots.map((r) => `${landing.arn}/${r}*`)),
        allow('ListLandingPrefixes', ['s3:ListBucket'], [landing.arn], { StringLike: { 's3:prefix': roots.map((r) => `${r}*`) } }),
        allow(
          'WriteLandingTables',
          [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetTables',
            'glue:CreateTable',
            'glue:UpdateTable',
            'glue:GetPartition',
            'glue:GetPartitions',
            'glue:BatchGetPartition',
            'glue:CreatePartition',
            'glue:BatchCreatePartition',
            'glue:UpdatePartition',
            'glue:BatchUpdatePartition',
            'glue:CreatePartitionIndex',
            'glue:GetPartitionIndexes',
          ],
          [catalogArn, databaseArn, tablesArn],
        ),
        allow(
          'WriteCrawlerLogs',
          ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
          [crawlerLogs, `${crawlerLogs}:*`],
        ),
        allow('UseKeyThroughS3AndGlue', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [deps.keyArn], {
          StringEquals: { 'kms:ViaService': [`s3.${ctx.region}.amazonaws.com`, `glue.${ctx.region}.amazonaws.com`] },
        }),
      ),
    });

    this.crawlers = deps.datasets.map((d, i) => {
      const name = names.ofDataset(NAME_LIMITS.glue, d.name);
      const classifiers: string[] = [];
      if (d.source.formats.includes('csv')) {
        // Delimited files as the contract describes them (delimiter, header, column names).
        const delimited = d.source.delimited;
        const classifier = new GlueClassifier(this, `${d.name}-csv`, {
          name: names.ofDataset(NAME_LIMITS.glue, d.name, 'csv'),
          csvClassifier: {
            delimiter: delimited.delimiter,
            containsHeader: delimited.header ? 'PRESENT' : 'ABSENT',
            ...(delimited.header ? {} : { header: d.columns.map((c) => c.sourceName ?? c.name) }),
            ...(delimited.quote ? { quoteSymbol: delimited.quote } : {}),
            allowSingleColumn: false,
            disableValueTrimming: true,
          },
        });
        classifiers.push(classifier.name);
      }
      const crawler = new GlueCrawler(this, `crawler-${d.name}`, {
        name,
        description: `Catalogs ${d.name} batches under s3://<landing>/${roots[i]}`,
        role: this.crawlerRole.arn,
        databaseName: this.database.name,
        schedule: settings.crawlerScheduleUtc,
        securityConfiguration: this.securityConfiguration.name,
        classifiers,
        s3Target: [{ path: `s3://${landing.name}/${roots[i]}`, exclusions: ['**/_SUCCESS', '**/_*', '**/.*'] }],
        schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
        recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
        configuration: JSON.stringify(CRAWLER_CONFIGURATION),
        tags: { ...ctx.tags, Dataset: d.name },
      });
      return { dataset: d, crawler, name, arn: arn(ctx, 'glue', `crawler/${name}`) };
    });
  }
}
