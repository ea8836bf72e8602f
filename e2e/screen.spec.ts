// What a new user sees at 1280×720: graph, matrix (labelled) and inspector on one screen without scrolling; one
// feedback line beside the field or button it is about; a per-node drop rate set from the inspector and confirmed;
// bandwidth per running node, where a killed node's row disappears; Replay without the Live panel.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { clickNode, hookState, launchFromGui, screenshot } from './hearsay-page.ts';

const NODES = 6;

test.use({ viewport: { width: 1280, height: 720 } });

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
});

test.afterEach(async ({ page }) => {
  if (!(await page.getByTestId('stop-cluster').isVisible())) await page.getByTestId('mode-live').click();
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
});

async function inViewport(page: Page, testid: string): Promise<{ width: number; height: number }> {
  const box = await page.getByTestId(testid).boundingBox();
  expect(box, `${testid} is laid out`).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${testid} within the width`).toBeLessThanOrEqual(1280);
  expect(box!.y + box!.height, `${testid} within the height`).toBeLessThanOrEqual(720);
  return box!;
}

test('one feedback line, beside the field it is about; the panel refuses what the host would', async ({ page }) => {
  const feedback = page.getByTestId('feedback');
  await page.getByTestId('launch-nodes').fill('201');
  await page.getByTestId('launch-button').click();
  await expect(feedback).toHaveText('nodes must be a whole number from 1 to 200 in process mode');
  await expect(feedback).toHaveAttribute('data-kind', 'error');
  // Right after the nodes row.
  expect(await feedback.evaluate((e) => e.previousElementSibling?.contains(document.querySelector('[data-testid=launch-nodes]')))).toBe(true);
  await page.getByTestId('launch-nodes').fill('4');
  await expect(feedback).toBeHidden();
  await page.getByTestId('launch-preset').selectOption('watch');
  await page.getByTestId('launch-fail-ms').fill('1500');
  await page.getByTestId('launch-button').click();
  await expect(feedback).toHaveText('fail timeout (1500 ms) must be at least 2 × the gossip interval (1000 ms)');
  expect(await feedback.evaluate((e) => e.previousElementSibling?.contains(document.querySelector('[data-testid=launch-fail-ms]')))).toBe(true);
  await expect(page.getByTestId('feedback')).toHaveCount(1);
  await expect(page.getByTestId('launch-effective')).toContainText('fix the timings');
});

test('at 1280×720: graph, labelled matrix and inspector without scrolling; drop per node confirmed; bandwidth per running node', async ({ page }) => {
  const launched = await launchFromGui(page, { nodes: NODES, suspicion: false });
  for (const testid of ['graph-canvas', 'matrix-canvas', 'inspector', 'bandwidth']) await inViewport(page, testid);
  const matrix = await inViewport(page, 'matrix-canvas');
  expect(Math.min(matrix.width, matrix.height), 'the matrix has room').toBeGreaterThan(280);
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
  await expect(page.getByTestId('bandwidth-row')).toHaveCount(NODES, { timeout: 10_000 });

  const victim = launched.nodes[2]!;
  await clickNode(page, victim.address);
  await page.getByTestId('inspector-drop').fill('30');
  await page.getByTestId('inspector-drop-apply').click();
  await expect(page.getByTestId('feedback')).toHaveText(`drop rate 30 % set on ${victim.address}`);
  await expect(page.getByTestId('feedback')).toHaveAttribute('data-kind', 'ok');
  await page.getByTestId('drop-rate').fill('0');
  await page.getByTestId('drop-apply').click();
  await expect(page.getByTestId('feedback')).toHaveText('drop rate 0 % set on every running node');
  await screenshot(page, 'screen-1-live-1280');

  await page.getByTestId('action-kill').click();
  await expect(page.locator(`[data-testid=bandwidth-row][data-address="${victim.address}"]`)).toHaveCount(0);
  await expect(page.getByTestId('bandwidth-row')).toHaveCount(NODES - 1);
});

test('Replay mode hides the Live panel and the live key hints', async ({ page }) => {
  await page.getByTestId('mode-replay').click();
  await expect(page.getByTestId('cluster-panel')).toBeHidden();
  await page.getByTestId('replay-path').fill('logs/samples/small');
  await page.getByTestId('replay-open').click();
  await expect(page.getByTestId('replay-status')).toContainText('failures');
  await expect(page.getByTestId('replay-root').getByTestId('inspector')).not.toContainText('k kill');
  for (const testid of ['replay-scrubber']) await inViewport(page, testid);
  await screenshot(page, 'screen-2-replay-1280');
  await page.getByTestId('mode-live').click();
  await expect(page.getByTestId('cluster-panel')).toBeVisible();
});

test('the protocol switch shows the mode the nodes report: after launch, after a reload, after switching', async ({ page }) => {
  const control = page.getByTestId('protocol-switch');
  const state = page.getByTestId('protocol-state');
  await expect(control).toBeDisabled();
  await launchFromGui(page, { nodes: 4, suspicion: true });
  await expect(state).toHaveText('gossip + suspicion');
  await expect(control).toHaveValue('gossip+suspect');
  // A new page knows nothing of the launch form: what it shows comes from the nodes (the snapshot).
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await expect(state).toHaveText('gossip + suspicion');
  await expect(control).toHaveValue('gossip+suspect');
  await control.selectOption('gossip+nosuspect');
  await expect(state).toHaveText('gossip', { timeout: 10_000 });
  await expect(control).toHaveValue('gossip+nosuspect');
  await page.getByTestId('stop-cluster').click();
  await expect(state).toHaveText('no cluster');
  await expect(control).toBeDisabled();
});
