// Playwright: the browser shell in Debian's Chromium (never a downloaded browser), one worker (the nodes share a
// 2-core machine), and the shell started as a web server on a port of the e2e range, its launched nodes on ports
// from 23700 and its recordings under e2e/artifacts/logs. Screenshots and traces go to e2e/artifacts/ (ignored).
import crypto from 'node:crypto';
import { defineConfig } from '@playwright/test';

const SHELL_PORT = 23900;
const NODE_PORTS = 23700;
// The shell requires its per-run token on every request: one random token per run, handed to the shell through its
// environment (the config is evaluated again in each worker, which inherits the variable) and to the browser as the
// cookie the shell would set on its first tokened request.
process.env.HEARSAY_SHELL_TOKEN ??= crypto.randomBytes(24).toString('hex');
const TOKEN = process.env.HEARSAY_SHELL_TOKEN;

export default defineConfig({
  testDir: 'e2e',
  // e2e/contracts/*.test.ts are node:test files (npm run test:unit), not browser specs.
  testMatch: '**/*.spec.ts',
  outputDir: 'e2e/artifacts/test-results',
  workers: 1,
  // No retries: a failure is a failure (round four's flaky embedded truth audit was diagnosed in round five).
  retries: 0,
  fullyParallel: false,
  timeout: 90_000,
  globalTimeout: 15 * 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${SHELL_PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 900 },
    storageState: {
      cookies: [{
        name: `hearsay-token-${SHELL_PORT}`, value: TOKEN, domain: '127.0.0.1', path: '/',
        expires: -1, httpOnly: true, secure: false, sameSite: 'Strict',
      }],
      origins: [],
    },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    },
  },
  webServer: {
    command: `node --import tsx electron/serve.ts --port ${SHELL_PORT} --node-ports ${NODE_PORTS} --logs-dir e2e/artifacts/logs`,
    url: `http://127.0.0.1:${SHELL_PORT}/?token=${TOKEN}`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
