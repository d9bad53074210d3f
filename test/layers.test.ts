/**
 * The layers of @livemig/common (docs/ARCHITECTURE.md, "Packages") and who
 * may import whom. Each source file belongs to one layer by its path; a
 * run-time import may only reach the layers listed for its own (and its own
 * layer). A type-only import is erased at compile time: it is how the control
 * plane knows the device contract "through an interface", and it is allowed
 * anywhere except from the base and wire layers, which know nothing above them.
 * Then, what ctl really loads: the compiled `livemig-ctl` must not pull in the
 * device model, the protobuf codec or the logger.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const commonSrc = join(root, 'packages/common/src');

type Layer = 'base' | 'wire' | 'cli' | 'devices' | 'testing' | 'control' | 'daemon' | 'entry';

/** A common source file's layer, by its path relative to packages/common/src. */
function layerOf(rel: string): Layer {
  if (rel === 'index.ts' || rel.startsWith('layers/')) return 'entry';
  if (rel === 'errors.ts' || rel === 'sizes.ts' || rel === 'tick-cork.ts') return 'base';
  if (rel.startsWith('wire/') || rel.startsWith('compression/') || rel === 'constants.ts') return 'wire';
  if (rel === 'cli.ts') return 'cli';
  if (rel.startsWith('devices/') || rel.startsWith('simulator/') || ['device-spec.ts', 'machine.ts', 'device-modules.ts', 'digest.ts', 'dirty-bitmap.ts', 'prng.ts'].includes(rel)) return 'devices';
  if (rel.startsWith('testing/')) return 'testing';
  if (rel.startsWith('qmp/') || rel.startsWith('security/') || rel.startsWith('live-view/') || rel === 'migration-config.ts' || rel === 'migration-settings.ts') return 'control';
  if (rel === 'daemon-args.ts' || rel === 'logger.ts') return 'daemon';
  throw new Error(`${rel}: no layer (add it to layerOf and to docs/ARCHITECTURE.md)`);
}

/** Layers each layer may import at run time, besides itself. */
const RUNTIME_DEPS: Record<Exclude<Layer, 'entry'>, readonly Layer[]> = {
  base: [],
  wire: ['base'],
  cli: ['base'],
  devices: ['base', 'wire'],
  testing: ['base', 'wire', 'devices'],
  control: ['base', 'wire'],
  daemon: ['base', 'wire', 'cli', 'devices', 'control'],
};
/** Layer entries (layers/*.ts) may re-export from their own layer and those below it. */
const ENTRY_DEPS: Record<string, readonly Layer[]> = {
  'layers/errors.ts': ['base'],
  'layers/wire.ts': ['base', 'wire'],
  'layers/cli.ts': ['base', 'cli'],
  'layers/devices.ts': ['base', 'wire', 'devices'],
  'layers/control.ts': ['base', 'wire', 'control'],
  'layers/daemon.ts': ['base', 'daemon'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** The static imports and re-exports of a file (our sources keep them at top level). */
function importsOf(text: string): Import[] {
  const out: Import[] = [];
  const re = /^(?:import|export)\s+(type\s+)?(?:([\s\S]*?)\s+from\s+)?'([^']+)';/gm;
  for (const m of text.matchAll(re)) {
    const clause = m[2] ?? '';
    const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const items = named ? named[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const typeOnly = Boolean(m[1]) || (items.length > 0 && items.every((s) => s.startsWith('type ')));
    out.push({ spec: m[3]!, typeOnly });
  }
  return out;
}

describe('@livemig/common layers', () => {
  it('no source file imports a layer above it at run time, and wire/base import nothing above even as types', () => {
    const problems: string[] = [];
    for (const file of tsFiles(commonSrc)) {
      const rel = relative(commonSrc, file);
      const from = layerOf(rel);
      if (rel === 'index.ts') continue; // the root: devices plus two embedding helpers, documented there
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        if (!imp.spec.startsWith('.')) continue;
        const target = relative(commonSrc, resolve(dirname(file), imp.spec));
        if (target.startsWith('..')) continue; // ../generated: the wire's protobuf output
        const targetFile = statSync(join(commonSrc, target), { throwIfNoEntry: false })?.isDirectory() ? `${target}/index.ts` : `${target}.ts`;
        const to = layerOf(targetFile);
        if (to === from) continue;
        const allowed = from === 'entry' ? ENTRY_DEPS[rel]! : RUNTIME_DEPS[from];
        if (allowed.includes(to)) continue;
        if (imp.typeOnly && from !== 'base' && from !== 'wire' && from !== 'entry') continue;
        problems.push(`${rel} (${from}) imports ${targetFile} (${to})${imp.typeOnly ? ' (types)' : ''}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every package imports a layer entry, never the whole root or a file inside common; ctl only errors, cli and control', () => {
    const problems: string[] = [];
    for (const pkg of ['source', 'destination', 'ctl']) {
      for (const file of tsFiles(join(root, 'packages', pkg, 'src'))) {
        for (const imp of importsOf(readFileSync(file, 'utf8'))) {
          if (!imp.spec.startsWith('@livemig/common')) continue;
          const entry = imp.spec.slice('@livemig/common'.length);
          const ok = pkg === 'ctl' ? ['/errors', '/cli', '/control'].includes(entry) : ['/errors', '/wire', '/cli', '/devices', '/control', '/daemon'].includes(entry);
          if (!ok) problems.push(`${relative(root, file)} imports '${imp.spec}'`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the compiled livemig-ctl loads no device, wire codec, logger or daemon module', () => {
    // A child process so this worker's own module cache does not count.
    const script = `require(${JSON.stringify(join(root, 'packages/ctl/dist/main.js'))});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    const common = loaded.filter((p) => p.includes(`${join('packages', 'common', 'dist')}/`)).map((p) => p.split(`common/dist/`)[1]!);
    expect(common.length).toBeGreaterThan(0); // it does load the control layer
    const upward = common.filter((p) => {
      const rel = p.replace(/\.js$/, '.ts');
      const layer = layerOf(rel);
      return !(['base', 'cli', 'control'].includes(layer) || rel === 'constants.ts' || rel === 'layers/errors.ts' || rel === 'layers/cli.ts' || rel === 'layers/control.ts');
    });
    expect(upward).toEqual([]);
    const packages = new Set(loaded.filter((p) => p.includes('/node_modules/')).map((p) => p.split('/node_modules/').pop()!.split('/').slice(0, 2).join('/')));
    for (const heavy of ['protobufjs', 'pino', '@node-rs/xxhash', '@toondepauw/node-zstd']) {
      expect([...packages].some((p) => p === heavy || p.startsWith(`${heavy}/`))).toBe(false);
    }
  });
});
