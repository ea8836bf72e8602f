// `npm run build:electron`: bundles the Electron shell, because Electron runs JavaScript. main.ts becomes an ES
// module (it finds bin/hearsay.mjs and dist/renderer from its own URL, two folders up: keep the output depth);
// preload.ts becomes CommonJS, since a sandboxed preload cannot be an ES module and may require only 'electron'.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');
const common: BuildOptions = { bundle: true, platform: 'node', target: 'node22', external: ['electron'], sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'main.ts')],
  outfile: path.join(outdir, 'main.mjs'),
  format: 'esm',
  // Bundled CommonJS dependencies may still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'preload.ts')],
  outfile: path.join(outdir, 'preload.cjs'),
  format: 'cjs',
});
process.stdout.write(`build:electron: ${path.relative(root, outdir)}/main.mjs, preload.cjs\n`);
