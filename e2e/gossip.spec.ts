// Seeing the gossip (issue 8 §2): datagrams drawn as packets in flight, dropped ones fading mid-way, and partitions
// that cut the cluster in two (a line dragged across the ring, or a group picked and isolated) and heal. Runs on the demo (the real protocol core under the simulator, in a Worker)
// and on embedded nodes through the browser shell.
import { test, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { clickNode, hookState, launchFromGui, nodePosition, screenshot } from './hearsay-page.ts';

interface PacketCounts { onScreen: number; droppedOnScreen: number; seen: number; seenDropped: number; unsampled: number }

function packets(page: Page): Promise<PacketCounts> {
  return page.evaluate(() => (window as unknown as { __hearsay: { packets(): PacketCounts } }).__hearsay.packets());
}

async function allAlive(page: Page, n: number): Promise<void> {
  await page.waitForFunction(() => '__hearsay' in window);
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
  // SWIM: the prober decides and its failure rumour reaches the rest, so both kinds of hop appear whenever the kill
  // falls (simulated: 190 of 190 kill instants). Under heartbeat gossip every observer's own timer may win the race
  // (no observer heard it in ~1 kill instant of 4: the spec failed so once the page was slow to click Kill).
  await launchFromGui(page, { nodes: 8, suspicion: true, protocol: 'ping' });
  const victim = (await hookState(page)).nodes[4]!.address;
  await clickNode(page, victim);
  await page.getByTestId('action-kill').click();
  const spread = page.getByTestId('inspector-spread');
  await expect(spread).toContainText('detected it itself', { timeout: 15_000 });
  await expect(spread).toContainText(/heard from 127\.0\.0\.1:\d+ at \+\d+\.\d\d s/, { timeout: 15_000 });
  await screenshot(page, 'gossip-spread-tree');
});

/** Shift-drags a line across the graph from just right of the top to just right of the bottom of the ring. */
async function dragCut(page: Page): Promise<void> {
  const box = (await page.getByTestId('graph-canvas').boundingBox())!;
  const x = box.x + box.width / 2 + 2;
  await page.keyboard.down('Shift');
  await page.mouse.move(x, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(x, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(x, box.y + box.height - 5, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
}

test('process nodes: a line dragged across the ring cuts the cluster in two, the halves fail each other, heal reconverges', async ({ page }) => {
  await page.goto('/');
  const n = 6;
  await launchFromGui(page, { nodes: n, suspicion: false });
  // Cut a formed group: a node cut off before it heard of the last one to join fails one member fewer.
  await allAlive(page, n);
  await expect.poll(async () => (await packets(page)).onScreen, { message: 'sampled traces from the processes drawn' }).toBeGreaterThan(0);
  const droppedBefore = (await packets(page)).seenDropped;
  await dragCut(page);
  await expect(page.getByTestId('feedback')).toContainText('cut off 2 node(s)');
  // Slots 1 and 2 (east of the line) against the other four: each side's nodes are failed by every node of the other.
  await expect.poll(async () => (await hookState(page)).nodes.map((v) => v.tally.failed), { timeout: 20_000, message: 'the halves fail each other' })
    .toEqual([2, 4, 4, 2, 2, 2]);
  // Counted, not looked for on screen: once the halves have failed each other little crosses the cut (the sampled
  // trace of process nodes may show none of it), and a dropped packet fades within a second.
  await expect.poll(async () => (await packets(page)).seenDropped, { message: 'blocked packets drawn' }).toBeGreaterThan(droppedBefore);
  await screenshot(page, 'gossip-partition');
  await page.getByTestId('heal').click();
  await allAlive(page, n);
  await screenshot(page, 'gossip-healed');
});

test('process nodes: a group picked with ctrl-click and isolated fails the rest and is failed by it; Heal, enabled only while a partition is in force (also after a reload), reconverges', async ({ page }) => {
  await page.goto('/');
  const n = 6;
  const { nodes } = await launchFromGui(page, { nodes: n, suspicion: false });
  // Isolate a formed group: round five's one failure cut it 43 ms after the last node started, so the isolated pair
  // never heard of it and failed 3, not 4.
  await allAlive(page, n);
  const isolate = page.getByTestId('isolate');
  const heal = page.getByTestId('heal');
  await expect(isolate).toBeDisabled();
  await expect(heal).toBeDisabled();
  await expect(heal).toHaveAttribute('title', /^Nothing is cut/);
  // Two nodes apart on the ring (no line could cut them off together).
  for (const slot of [1, 4]) {
    await page.getByTestId('graph-canvas').click({ position: await nodePosition(page, nodes[slot]!.address), modifiers: ['ControlOrMeta'] });
  }
  await expect(isolate).toHaveText('Isolate 2');
  await expect(page.getByTestId('inspector-address')).toHaveCount(0);
  await screenshot(page, 'gossip-group-picked');
  await isolate.click();
  await expect(page.getByTestId('feedback')).toContainText('cut off 2 node(s)');
  await expect(isolate).toBeDisabled();
  await expect.poll(async () => (await hookState(page)).nodes.map((v) => v.tally.failed), { timeout: 20_000, message: 'the group and the rest fail each other' })
    .toEqual([2, 4, 2, 2, 4, 2]);
  await expect(heal).toBeEnabled();
  await expect(heal).toHaveAttribute('title', /^2 node\(s\) cut off from the rest/);
  await screenshot(page, 'gossip-group-isolated');
  // The partition comes with the snapshot: a reloaded page knows it as well as the one that cut.
  await page.reload();
  await page.waitForFunction(() => '__hearsay' in window);
  await expect(heal).toBeEnabled();
  await heal.click();
  await expect(heal).toBeDisabled();
  await expect(heal).toHaveAttribute('title', /^Nothing is cut/);
  await allAlive(page, n);
});
