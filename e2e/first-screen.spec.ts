// The first screen after `npm start` (scripts/start.ts, browser shell, 8 process nodes): a page opened at any time
// after the launch — at once, later, reloaded, a second tab — shows all 8 nodes alive within 2 s. Before the view
// contract a page opened after the launch showed "0 alive of 0": the host pushed its history when the socket opened,
// before the page listened.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { hookState, screenshot } from './hearsay-page.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHELL_PORT = 23950;
const NODE_PORTS = 23800;
const NODES = 8;

let app: ChildProcess | undefined;
let session: string | undefined;
/** As npm start prints it: with the run's token. */
let url = '';
const output: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(90_000);
  // No display: start.ts prints the URL instead of opening a window.
  const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
  app = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-open', '--port', String(SHELL_PORT), '--node-ports', String(NODE_PORTS)],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  app.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  await expect.poll(() => output.join(''), { timeout: 80_000, message: 'npm start says the nodes run' })
    .toMatch(/8 nodes running from .*; recording to logs\/(\S+)\//);
  session = /recording to logs\/(\S+)\//.exec(output.join(''))![1];
  url = /browser shell at (\S+)/.exec(output.join(''))![1]!;
});

test.afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app!.once('exit', resolve));
    app.kill('SIGINT');
    await exited;
  }
  if (session) fs.rmSync(path.join(ROOT, 'logs', session), { recursive: true, force: true });
});

async function allAliveWithin2s(page: Page): Promise<number> {
  const started = Date.now();
  await expect.poll(async () => {
    const s = await hookState(page).catch(() => undefined);
    return s?.nodes.filter((n) => n.majority === 'alive' && n.tally.alive === NODES - 1).length;
  }, { timeout: 2000, intervals: [50], message: `all ${NODES} nodes alive in every list within 2 s` }).toBe(NODES);
  await expect(page.getByTestId('node-count-alive')).toHaveText(String(NODES), { timeout: 500 });
  return Date.now() - started;
}

test('a page opened after npm start shows all 8 nodes alive within 2 s, and again after a reload and in a second tab', async ({ page, context }) => {
  await page.goto(url);
  const first = await allAliveWithin2s(page);
  expect(await page.evaluate(() => self.crossOriginIsolated), 'cross-origin isolated (a clock precise enough for frame times)').toBe(true);
  await screenshot(page, 'first-screen');
  await page.reload();
  const reloaded = await allAliveWithin2s(page);
  const second = await context.newPage();
  await second.goto(url);
  const tab = await allAliveWithin2s(second);
  test.info().annotations.push({ type: 'first screen', description: `all alive after ${first} ms; reload ${reloaded} ms; second tab ${tab} ms` });
  expect((await hookState(page)).rejected).toEqual({ frames: 0 });
});
