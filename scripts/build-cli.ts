// `npm run build:cli`: bundles the `hearsay` command into dist/cli/hearsay.mjs. bin/hearsay.mjs runs the bundle while
// it is newer than every source file (else the sources through tsx), so a command starts in ~0.1 s instead of ~0.5 s:
// it matters for dgrep's latency and for clusters of many node processes. Keep the output two folders deep, like
// node-runtime/cli/, because spawn-node.ts finds bin/ relative to its own URL.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'cli', 'hearsay.mjs');

await build({
  entryPoints: [path.join(root, 'node-runtime', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
process.stdout.write(`build:cli: ${path.relative(root, outfile)}\n`);
