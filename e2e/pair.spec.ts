// Side by side against the browser shell: two hearsay clusters (gossip | gossip + suspicion) launched from the
// panel's side-by-side piece, one kill applied to the 3rd node of both at once, and both graphs show their own
// detection. Screenshots in e2e/artifacts/.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { hookState, screenshot } from './hearsay-page.ts';
import type { HookState, NodeView } from './hearsay-page.ts';

const NODES = 4;
const pairState = (page: Page) => hookState(page) as Promise<HookState & { pair?: NodeView[] }>;

test('two hearsay clusters side by side: one kill on both, both detections', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await page.getByTestId('pair-panel').locator('summary').click();
  await page.getByTestId('pair-nodes').fill(String(NODES));
  await page.getByTestId('pair-left').selectOption('hearsay-gossip');
  await page.getByTestId('pair-right').selectOption('hearsay-suspicion');
  await page.getByTestId('pair-launch').click();
  const allAlive = (nodes: NodeView[] | undefined) => (nodes ?? []).filter((n) => n.majority === 'alive' && n.tally.alive === NODES - 1).length;
  await expect.poll(async () => { const s = await pairState(page); return [allAlive(s.nodes), allAlive(s.pair)]; },
    { timeout: 30_000, message: 'both sides converged' }).toEqual([NODES, NODES]);
  await expect(page.getByTestId('pair-side')).toBeVisible();
  await screenshot(page, 'pair-1-launched');
  await page.getByTestId('pair-index').fill('3');
  await page.getByTestId('pair-action').selectOption('kill');
  await page.getByTestId('pair-apply').click();
  await expect(page.getByTestId('feedback')).toContainText('kill of node 3 on both sides');
  const failedBy = (nodes: NodeView[] | undefined) => (nodes ?? []).find((n) => n.tally.failed === NODES - 1)?.address;
  await expect.poll(async () => { const s = await pairState(page); return [failedBy(s.nodes) !== undefined, failedBy(s.pair) !== undefined]; },
    { timeout: 10_000, message: 'the 3rd node failed in the other three lists on both sides' }).toEqual([true, true]);
  // Each side lists its own kill in its latency figures.
  await expect(page.getByTestId('latency-list').first()).toContainText(/all \d/);
  await expect(page.getByTestId('pair-side').getByTestId('latency-list')).toContainText(/all \d/);
  await screenshot(page, 'pair-2-both-detected');
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
});
