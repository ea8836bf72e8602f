// The live view against the browser shell with real process nodes: kill a node from its inspector and see every
// other node mark it failed within 6 s; pause one with suspicion on and see it suspected, then alive after resume.
import { expect, test } from '@playwright/test';
import { clickNode, hookState, launchFromGui, nodeView, screenshot } from './hearsay-page.ts';

const NODES = 5;

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await expect(page.getByTestId('shell-name')).toHaveText('browser shell');
});

test.afterEach(async ({ page }) => {
  // Leave no nodes behind for the next test (the web server stops whatever remains at the end).
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
});

test('a killed node is marked failed by every other node within 6 s', async ({ page }) => {
  const launched = await launchFromGui(page, { nodes: NODES, suspicion: true });
  await screenshot(page, 'live-1-launched');
  const victim = launched.nodes[2]!;
  await clickNode(page, victim.address);
  const killedAt = Date.now();
  await page.getByTestId('action-kill').click();
  await expect.poll(async () => (await nodeView(page, victim.address))?.tally.failed, {
    timeout: 6000, intervals: [100], message: `${victim.address} failed in the ${NODES - 1} other lists`,
  }).toBe(NODES - 1);
  const detectedMs = Date.now() - killedAt;
  await expect(page.getByTestId('node-count-failed')).toHaveText('1');
  await expect(page.getByTestId('node-count-alive')).toHaveText(String(NODES - 1));
  await screenshot(page, 'live-2-killed-failed');
  test.info().annotations.push({ type: 'detection', description: `all ${NODES - 1} observers within ${detectedMs} ms` });
  const state = await hookState(page);
  expect(state.nodes.filter((n) => n.address !== victim.address).every((n) => n.majority === 'alive')).toBe(true);
  expect(state.rejected).toEqual({ frames: 0 });
});

test('the keyboard acts in live: k kills the selected node, j adds one', async ({ page }) => {
  const launched = await launchFromGui(page, { nodes: NODES, suspicion: true });
  await clickNode(page, launched.nodes[2]!.address);
  await page.keyboard.press('k');
  await expect.poll(async () => (await hookState(page)).running, { message: 'k killed the selected node' }).toBe(NODES - 1);
  await page.keyboard.press('j');
  await expect.poll(async () => (await hookState(page)).running, { message: 'j added a node' }).toBe(NODES);
});

test('a paused node is suspected, and alive again after resume (suspicion on)', async ({ page }) => {
  // A long T_suspect leaves time to resume before the suspicion turns into a failure.
  const launched = await launchFromGui(page, { nodes: NODES, suspicion: true, suspectMs: 6000 });
  const victim = launched.nodes[1]!;
  await clickNode(page, victim.address);
  await page.getByTestId('action-pause').click();
  await expect.poll(async () => (await nodeView(page, victim.address))?.majority, {
    timeout: 5000, intervals: [100], message: `${victim.address} suspected while paused`,
  }).toBe('suspect');
  await expect(page.getByTestId('node-count-suspect')).toHaveText('1');
  await screenshot(page, 'live-3-paused-suspected');
  await page.getByTestId('action-resume').click();
  await expect.poll(async () => nodeView(page, victim.address), {
    timeout: 5000, intervals: [100], message: `${victim.address} alive in every list after resume`,
  }).toMatchObject({ majority: 'alive', id: victim.id, tally: { alive: NODES - 1, suspect: 0, failed: 0 } });
  await expect(page.getByTestId('node-count-alive')).toHaveText(String(NODES));
  await screenshot(page, 'live-4-resumed-alive');
});

test('the "watch" preset gives a person time to pause a node, see it suspected and resume it: refuted, not failed', async ({ page }) => {
  await page.getByTestId('launch-preset').selectOption('watch');
  // The panel shows what the launch will run with: the preset's timings.
  await expect(page.getByTestId('launch-effective')).toContainText('gossip interval 1 s');
  await expect(page.getByTestId('launch-effective')).toContainText('fail timeout 6 s');
  await expect(page.getByTestId('launch-fail-ms')).toHaveAttribute('placeholder', '6000');
  const launched = await launchFromGui(page, { nodes: NODES, suspicion: true, preset: 'watch' });
  const victim = launched.nodes[1]!;
  await clickNode(page, victim.address);
  await page.getByTestId('action-pause').click();
  // Suspected after the 6 s fail timeout; the 6 s suspect timeout leaves time to see it and resume.
  await expect.poll(async () => (await nodeView(page, victim.address))?.majority, {
    timeout: 20_000, intervals: [200], message: `${victim.address} suspected while paused`,
  }).toBe('suspect');
  await screenshot(page, 'live-5-watch-suspected');
  await page.getByTestId('action-resume').click();
  await expect.poll(async () => nodeView(page, victim.address), {
    timeout: 20_000, intervals: [200], message: `${victim.address} refuted: alive in every list under the same id`,
  }).toMatchObject({ majority: 'alive', id: victim.id, tally: { alive: NODES - 1, suspect: 0, failed: 0 } });
  await screenshot(page, 'live-6-watch-refuted');
});
