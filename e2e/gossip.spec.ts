// Seeing the gossip (issue 8 §2): datagrams drawn as packets in flight, dropped ones fading mid-way, and partitions
// that cut the cluster in two and heal. Runs on the demo (the real protocol core under the simulator, in a Worker)
// and on embedded nodes through the browser shell.
import { test, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { clickNode, hookState, launchFromGui, screenshot } from './hearsay-page.ts';

interface PacketCounts { onScreen: number; droppedOnScreen: number; seen: number; seenDropped: number; unsampled: number }

function packets(page: Page): Promise<PacketCounts> {
  return page.evaluate(() => (window as unknown as { __hearsay: { packets(): PacketCounts } }).__hearsay.packets());
}

async function allAlive(page: Page, n: number): Promise<void> {
  await expect.poll(async () => (await hookState(page)).nodes.filter((v) => v.majority === 'alive' && v.tally.alive === n - 1).length,
    { timeout: 30_000, message: `all ${n} nodes alive in every list` }).toBe(n);
}

test('demo: packets fly between nodes; with a drop rate, dropped packets are drawn; the toggle hides them', async ({ page }) => {
  await page.goto('/?demo=8');
  await allAlive(page, 8);
  await expect.poll(async () => (await packets(page)).onScreen, { message: 'packets on screen' }).toBeGreaterThan(0);
  expect((await packets(page)).droppedOnScreen).toBe(0);
  await screenshot(page, 'gossip-packets');

  await page.getByTestId('drop-rate').fill('40');
  await page.getByTestId('drop-apply').click();
  await expect.poll(async () => (await packets(page)).droppedOnScreen, { message: 'a dropped packet on screen' }).toBeGreaterThan(0);
  await screenshot(page, 'gossip-packets-dropped');

  await page.getByTestId('packets-toggle').uncheck();
  await expect.poll(async () => (await packets(page)).onScreen).toBe(0);
});

test('demo: selecting a failed node draws who told whom; the inspector says "heard from X at +t s"', async ({ page }) => {
  await page.goto('/?demo=8');
  await allAlive(page, 8);
  await launchFromGui(page, { nodes: 8, suspicion: true });
  const victim = (await hookState(page)).nodes[4]!.address;
  await clickNode(page, victim);
  await page.getByTestId('action-kill').click();
  const spread = page.getByTestId('inspector-spread');
  await expect(spread).toContainText('detected it itself', { timeout: 15_000 });
  await expect(spread).toContainText(/heard from 127\.0\.0\.1:\d+ at \+\d+\.\d\d s/, { timeout: 15_000 });
  await screenshot(page, 'gossip-spread-tree');
});
