#!/usr/bin/env node
// The `hearsay` command. Runs the bundle from `npm run build:cli` while it is newer than every source it was built
// from; otherwise the TypeScript sources through tsx, so an edited checkout never runs stale code.
import { readdirSync, statSync } from 'node:fs';

const bundle = new URL('../dist/cli/hearsay.mjs', import.meta.url);
const sources = new URL('../node-runtime/', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(url));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(url).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSource(sources);
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../node-runtime/cli/main.ts');
}
