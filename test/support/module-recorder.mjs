// Preloaded with `--import` (NODE_OPTIONS) into a server that test/cli/lazy-modules.test.ts starts:
// appends the location of every module the process loads, one per line, to MODULE_RECORD_FILE —
// ES modules through a loader hook (module-recorder-hooks.mjs), CommonJS through Module._load.
// Test support only; nothing in src/ knows about it.
import fs from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.MODULE_RECORD_FILE;
if (file) {
  register(new URL('./module-recorder-hooks.mjs', import.meta.url), { data: { file } });
  const load = Module._load;
  Module._load = function recordedLoad(request, parent, isMain) {
    const exported = load.call(this, request, parent, isMain);
    try {
      fs.appendFileSync(file, `${Module._resolveFilename(request, parent)}\n`);
    } catch {
      // a built-in or an unusual request: not what the test looks for
    }
    return exported;
  };
}
