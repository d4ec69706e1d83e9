import type { EnvironmentSettings } from './environments.ts';
import type { Names } from './naming.ts';

/** What every construct of one environment's stack shares. */
export interface StackContext {
  settings: EnvironmentSettings;
  names: Names;
  /** The deploying account's id (a Terraform reference, resolved at plan time). */
  accountId: string;
  region: string;
  /** The AWS partition ARNs are written in. */
  partition: string;
  /** Tags every resource carries besides the provider's default tags. */
  tags: Record<string, string>;
}

export function arn(ctx: StackContext, service: string, resource: string, opts: { region?: boolean; account?: boolean } = {}): string {
  const region = opts.region === false ? '' : ctx.region;
  const account = opts.account === false ? '' : ctx.accountId;
  return `arn:${ctx.partition}:${service}:${region}:${account}:${resource}`;
}
