// Test support only: preloaded into the CLI's process (NODE_OPTIONS=--import …) by tests that need to
// know which packages a run loaded, e.g. that a local run never loads the AWS SDK. Every URL the ESM
// loader resolves is appended, one a line, to the file RL_TEST_RECORD_MODULES names. Nothing in jobs/
// reads this variable; production code is not changed by it.
import { register } from 'node:module';

const file = process.env.RL_TEST_RECORD_MODULES;
if (file) register('./record-modules-hooks.mjs', import.meta.url, { data: { file } });
