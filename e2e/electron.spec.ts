// The Electron shell, where an Electron binary exists (ELECTRON_PATH or the electron package's download): the app
// window comes up on the hearsay:// protocol, sandboxed, with only `window.hearsay` exposed, and shows a 3-node
// embedded cluster it launched at start. Elsewhere (here: ELECTRON_SKIP_BINARY_DOWNLOAD) it reports the skip.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { findElectron } from '../scripts/electron-binary.ts';
import { ARTIFACTS, hookState, screenshot } from './hearsay-page.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const electron = findElectron();

test('the Electron shell shows a live cluster through its preload API', async () => {
  if (!('binary' in electron)) {
    // Said on the console too: the list reporter does not print skip reasons.
    console.log(`skipped: no Electron binary (${electron.why})`);
    test.skip(true, 'skipped: no Electron binary');
    return;
  }
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-electron.ts'], { cwd: ROOT, stdio: 'inherit' });
  expect(build.status).toBe(0);
  const app = await _electron.launch({
    executablePath: electron.binary,
    args: ['--no-sandbox', path.join(ROOT, 'dist', 'electron', 'main.mjs'), '--nodes', '3', '--mode', 'embedded', '--node-ports', '23800'],
    cwd: ROOT,
    env: { ...process.env, HEARSAY_LOGS: path.join(ARTIFACTS, 'electron-logs') },
  });
  try {
    const page = await app.firstWindow();
    expect(page.url()).toMatch(/^hearsay:\/\/app\//);
    await expect(page.getByTestId('shell-name')).toHaveText('electron shell');
    const isolated = await page.evaluate(() => ({
      api: typeof (window as unknown as { hearsay?: object }).hearsay,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(isolated).toEqual({ api: 'object', require: 'undefined', process: 'undefined' });
    await expect.poll(async () => (await hookState(page)).nodes.filter((n) => n.majority === 'alive' && n.tally.alive === 2).length,
      { timeout: 30_000 }).toBe(3);
    await screenshot(page, 'electron-1-cluster');
  } finally {
    await app.close();
  }
});
