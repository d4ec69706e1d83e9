import { App } from 'cdktf';
import { datasets as allDatasets, type DatasetContract } from '../datasets/index.ts';
import { environments as allEnvironments, type EnvironmentSettings } from './environments.ts';
import { LoaderStack } from './loader-stack.ts';

export interface BuildOptions {
  outdir?: string;
  environments?: Readonly<Record<string, EnvironmentSettings>>;
  datasets?: DatasetContract[];
  /** Override every environment's state bucket (RL_TF_STATE_BUCKET). */
  stateBucket?: string;
  /** false: no remote backend (local state), e.g. for tests. */
  remoteState?: boolean;
}

/** The app: one LoaderStack per environment, every dataset contract in each. */
export function buildApp(opts: BuildOptions = {}): { app: App; stacks: LoaderStack[] } {
  const app = new App({ outdir: opts.outdir, skipValidation: false });
  const datasets = opts.datasets ?? Object.values(allDatasets);
  const stacks = Object.values(opts.environments ?? allEnvironments).map(
    (settings) =>
      new LoaderStack(app, {
        settings,
        datasets,
        ...(opts.remoteState === false
          ? {}
          : { backend: { bucket: opts.stateBucket ?? settings.state.bucket, region: settings.state.region } }),
      }),
  );
  return { app, stacks };
}
