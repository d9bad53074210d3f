'use strict';
// Copied by scripts/bundle.mjs into each bin's dist/bundle/ as loader.js: runs main.js beside
// it from V8's code cache (main.js.cache), so a start skips most of compiling the bundle
// (~15 ms of a daemon's ~120 ms of CPU to start; the test suite starts ~400). The cache is
// made at build time by starting the bin once (LIVEMIG_CODE_CACHE_OUT, below), so it also
// holds the functions a start runs, not only the module's top level. Without the cache, or
// if V8 rejects it (another Node), main.js is compiled as usual: same code, same behaviour.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'main.js');

function load() {
  // A script run by vm has no loader for import(); the bundle's one import() loads
  // --device-module files (devices/device-modules.ts), so with that flag main.js is
  // required as usual. (Node 20's USE_MAIN_CONTEXT_DEFAULT_LOADER would do, but it is
  // experimental, warns on stderr, and its callback is lost in functions the cache holds.)
  if (process.argv.some((a) => a === '--device-module' || a.startsWith('--device-module='))) return require(file);
  const out = process.env.LIVEMIG_CODE_CACHE_OUT;
  let cachedData;
  if (!out) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      // no cache: compiled as usual
    }
  }
  if (!cachedData && !out) return require(file);
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(__dirname);
  Module._cache[file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
  mod.loaded = true;
  if (out) {
    // Build time: once the bin has started (parsed its options, built its machine, bound its
    // ports), or when it ends by itself before that, write what V8 compiled so far.
    process.once('exit', () => {
      writeFileSync(`${out}.tmp`, script.createCachedData());
      renameSync(`${out}.tmp`, out);
    });
    setTimeout(() => process.exit(0), Number(process.env.LIVEMIG_CODE_CACHE_AFTER_MS || 400)).unref();
  }
  return mod.exports;
}

module.exports = load();
