// Test support only: preloaded into the CLI's process (NODE_OPTIONS=--import …) by tests that need a
// source file to change at a known moment — after the batch was listed, when the run first opens the
// file to read it. RL_TEST_SOURCE_HOOK is JSON: { "path": "<file>", "action": "replace" | "delete" |
// "append", "with": "<file renamed over path>" (replace), "text": "<bytes appended>" (append) }.
// Nothing in jobs/ reads this variable; production code is not changed by it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const spec = JSON.parse(process.env.RL_TEST_SOURCE_HOOK ?? 'null');
if (spec) {
  const target = resolve(spec.path);
  const original = fs.promises.open;
  let fired = false;
  fs.promises.open = async function hookedOpen(path, ...rest) {
    const hit = !fired && typeof path === 'string' && resolve(path) === target;
    if (hit) {
      fired = true;
      if (spec.action === 'replace') fs.renameSync(spec.with, target); // atomic, as an exporter does
      if (spec.action === 'delete') fs.unlinkSync(target);
    }
    const handle = await original.call(this, path, ...rest);
    if (hit && spec.action === 'append') fs.appendFileSync(target, spec.text); // in place, same inode
    return handle;
  };
  syncBuiltinESMExports();
}
