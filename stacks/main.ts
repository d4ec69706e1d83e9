// `npm run synth`: writes cdktf.out/stacks/<env>/cdk.tf.json for every environment, offline.
// Also the `app` of cdktf.json, so `cdktf synth|deploy|destroy <env>` run the same code.
import { resolve } from 'node:path';
import { buildApp } from './app.ts';

const started = performance.now();
const { app, stacks } = buildApp({ stateBucket: process.env.RL_TF_STATE_BUCKET || undefined });
app.synth();
const ms = Math.round(performance.now() - started);
const total = Math.round(process.uptime() * 1000);
const out = resolve(app.outdir);
for (const s of stacks) console.log(`synthesized ${s.node.id}: ${resolve(out, 'stacks', s.node.id, 'cdk.tf.json')}`);
console.log(`wrote ${stacks.length} stacks to ${out} in ${ms} ms (${total} ms since the process started)`);
