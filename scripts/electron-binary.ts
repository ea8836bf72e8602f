// Where the Electron binary is, if anywhere: ELECTRON_PATH, or the electron package's download. Used by `npm start`
// to pick its shell and by the Electron e2e spec to run or skip. The package is never require()d: its index.js
// starts a download when the binary is missing (ELECTRON_SKIP_BINARY_DOWNLOAD installs leave it out), so its
// path.txt is read the way index.js reads it instead.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The Electron binary and how it was found, or why there is none. */
export function findElectron(): { binary: string; how: string } | { why: string } {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) {
    return fs.existsSync(fromEnv) ? { binary: fromEnv, how: `ELECTRON_PATH=${fromEnv}` } : { why: `ELECTRON_PATH=${fromEnv} does not exist` };
  }
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed' };
  }
  let relative: string;
  try {
    relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    const skipped = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ? ': ELECTRON_SKIP_BINARY_DOWNLOAD is set' : '';
    return { why: `the electron package has no downloaded binary${skipped}` };
  }
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(dist, relative);
  return fs.existsSync(binary) ? { binary, how: `the electron package (${binary})` } : { why: `${binary} does not exist` };
}
