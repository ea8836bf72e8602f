// Serf in the app (needs Debian's serf): launch 5 real Serf agents from the panel's Serf piece, kill one by clicking it
// and see every other agent's row mark it failed within memberlist's own bound; then open the real Serf sample
// (logs/samples/serf: the agents' own text logs) in Replay. Screenshots in e2e/artifacts/.
import { expect, test } from '@playwright/test';
import { failureDetectionBoundMs } from '../node-runtime/protocol/serf-bounds.ts';
import { serfInstalled } from '../node-runtime/serf/serf-agent.ts';
import { clickNode, hookState, nodeView, screenshot } from './hearsay-page.ts';

const AGENTS = 5;
test.skip(!serfInstalled(), 'no serf binary (apt-get install serf)');

test('5 Serf agents launched from the panel; a killed agent is failed in every other row within Serf\'s bound', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await page.getByTestId('serf-panel').locator('summary').click();
  await page.getByTestId('serf-nodes').fill(String(AGENTS));
  await page.getByTestId('serf-launch').click();
  await expect.poll(async () => (await hookState(page)).nodes.filter((n) => n.majority === 'alive' && n.tally.alive === AGENTS - 1).length,
    { timeout: 30_000, message: `all ${AGENTS} agents alive in every row` }).toBe(AGENTS);
  await screenshot(page, 'serf-1-launched');
  const victim = (await hookState(page)).nodes[3]!;
  await clickNode(page, victim.address);
  await expect(page.getByTestId('action-force-leave')).toBeDisabled();
  await page.getByTestId('action-kill').click();
  const bound = failureDetectionBoundMs('local', AGENTS);
  await expect.poll(async () => (await nodeView(page, victim.address))?.tally.failed, {
    timeout: bound + 5000, intervals: [200], message: `${victim.address} failed in the ${AGENTS - 1} other rows`,
  }).toBe(AGENTS - 1);
  await expect(page.getByTestId('action-force-leave')).toBeEnabled();
  await screenshot(page, 'serf-2-killed-failed');
  // Serf has no drop rate of its own: as root the host drops with iptables (the shell runs as this test's user),
  // otherwise the refusal is one line beside the control.
  await page.getByTestId('drop-rate').fill('10');
  await page.getByTestId('drop-apply').click();
  await expect(page.getByTestId('feedback')).toContainText(process.getuid?.() === 0 ? 'drop rate 10 % set on every running node' : 'needs root');
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
});

test('the real Serf sample opens in Replay: five agent rows, the kill failed by all four others', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('mode-replay').click();
  await page.getByTestId('replay-path').fill('logs/samples/serf');
  await page.getByTestId('replay-open').click();
  const hook = (method: string) => page.evaluate((m) => {
    const replay = (window as unknown as { __hearsay: { replay?: Record<string, () => unknown> } }).__hearsay.replay;
    return replay?.[m]?.();
  }, method);
  await expect.poll(() => hook('loaded'), { message: 'the Serf sample loads' }).toBe(true);
  const info = await hook('info') as { files: string[]; skipped: Record<string, number>; failures: { cause: string; detected: number; expected: number; allTs?: number }[] };
  expect(info.files.filter((f) => f.endsWith('serf-agent.log'))).toHaveLength(5);
  expect(info.skipped).toEqual({});
  expect(info.failures.find((f) => f.cause === 'kill')).toMatchObject({ detected: 4, expected: 4 });
  await page.getByTestId('replay-next-failure').click();
  await screenshot(page, 'serf-3-replay-sample');
});
