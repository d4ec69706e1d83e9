import { boundedName } from './bounded-name.ts';
import { PROJECT, type EnvironmentSettings } from './environments.ts';

/**
 * Resource names. Every name carries the environment, so two environments never collide and a name
 * alone says which environment a resource belongs to.
 */
export class Names {
  readonly env: string;
  constructor(settings: Pick<EnvironmentSettings, 'name'>) {
    this.env = settings.name;
  }
  /** `redshift-loader-<env>-<part>` (hyphenated: IAM, S3, Batch, SNS, logs, …). */
  of(...parts: string[]): string {
    return [PROJECT, this.env, ...parts].join('-');
  }
  /**
   * `redshift-loader-<env>-<dataset>-<part>` within `limit` characters (stacks/bounded-name.ts): as `of`
   * when it fits, else the dataset's part shortened and a hash of the whole name added.
   */
  ofDataset(limit: number, dataset: string, ...parts: string[]): string {
    return boundedName(limit, this.of(), dataset, parts.join('-'));
  }
  /**
   * The Batch job role, `redshift-loader-<env>-batch-job`. On Redshift Serverless the jobs' database
   * user is derived from it (`IAMR:<this name>`), so the warehouse needs the name before Compute exists.
   */
  jobRole(): string {
    return this.of('batch-job');
  }
  /** `redshift_loader_<env>_<part>` (Glue database names: lower case and underscores). */
  snake(...parts: string[]): string {
    return [PROJECT, this.env, ...parts].join('_').replace(/-/g, '_');
  }
  /** `/redshift-loader/<env>/<part>` (CloudWatch log groups). */
  logGroup(...parts: string[]): string {
    return ['', PROJECT, this.env, ...parts].join('/');
  }
}
