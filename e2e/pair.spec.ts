// Side by side against the browser shell: two hearsay clusters (gossip | gossip + suspicion) launched from the
// panel's side-by-side piece, one kill applied to the 3rd node of both at once, and both graphs show their own
// detection; its recording then opens in Replay split the same way: two graphs on one timeline, the kill failed on
// both sides; a pair partition and heal from the panel; bandwidth on both sides, live and in replay. Screenshots in
// e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { ARTIFACTS, hookState, screenshot } from './hearsay-page.ts';
import type { HookState, NodeView } from './hearsay-page.ts';

const NODES = 4;
const LOGS = path.join(ARTIFACTS, 'logs');
const sessions = (): string[] => (fs.existsSync(LOGS) ? fs.readdirSync(LOGS) : []);
const pairState = (page: Page) => hookState(page) as Promise<HookState & { pair?: NodeView[] }>;

test('two hearsay clusters side by side: one kill on both, both detections', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await page.getByTestId('pair-panel').locator('summary').click();
  await page.getByTestId('pair-nodes').fill(String(NODES));
  await page.getByTestId('pair-left').selectOption('gossip+nosuspect');
  await page.getByTestId('pair-right').selectOption('gossip+suspect');
  const before = new Set(sessions());
  await page.getByTestId('pair-launch').click();
  const allAlive = (nodes: NodeView[] | undefined) => (nodes ?? []).filter((n) => n.majority === 'alive' && n.tally.alive === NODES - 1).length;
  await expect.poll(async () => { const s = await pairState(page); return [allAlive(s.nodes), allAlive(s.pair)]; },
    { timeout: 30_000, message: 'both sides converged' }).toEqual([NODES, NODES]);
  await expect(page.getByTestId('pair-side')).toBeVisible();
  // The top bar: both sides summed, and each side's own counts.
  await expect(page.getByTestId('node-count-total')).toHaveText(String(2 * NODES));
  await expect(page.getByTestId('node-count-sides')).toHaveText(`(left ${NODES} alive of ${NODES} | right ${NODES} alive of ${NODES})`);
  // Bandwidth side by side: each side lists its own nodes' bytes/s.
  const firstSide = page.locator('main.live:not(.pair-side)');
  await expect(firstSide.getByTestId('bandwidth-row')).toHaveCount(NODES, { timeout: 10_000 });
  await expect(page.getByTestId('pair-side').getByTestId('bandwidth-row')).toHaveCount(NODES);
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
  // One partition for both: the first node of each side cut off from the rest of its side, then healed.
  await page.getByTestId('pair-cut-range').fill('1');
  await page.getByTestId('pair-cut').click();
  await expect(page.getByTestId('feedback')).toContainText('nodes 1–1 cut off on both sides');
  // Each side's cut-off node fails in its side's other rows (the killed 3rd node aside).
  const cutOff = (nodes: NodeView[] | undefined) => nodes?.[0] && [nodes[0].cut, nodes[0].tally.failed];
  await expect.poll(async () => { const s = await pairState(page); return [cutOff(s.nodes), cutOff(s.pair)]; },
    { timeout: 30_000, message: 'the first node of each side ringed as cut off and failed by the rest of its side' })
    .toEqual([[true, NODES - 2], [true, NODES - 2]]);
  await screenshot(page, 'pair-2b-partition');
  await page.getByTestId('heal').first().click();
  await expect(page.getByTestId('feedback')).toContainText('healed');
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
  const session = sessions().find((s) => !before.has(s));
  expect(session, 'the pair wrote one recording folder').toBeDefined();

  // Replay of that recording: split like the live view, one timeline; at its end the kill is failed on both sides.
  try {
    await page.getByTestId('mode-replay').click();
    await page.getByTestId('replay-path').fill(path.relative(process.cwd(), path.join(LOGS, session!)));
    await page.getByTestId('replay-open').click();
    type ReplayState = { drawn: boolean; nodes: NodeView[]; pair?: NodeView[] };
    const replay = <T>(method: string, ...args: unknown[]) => page.evaluate(({ method, args }) =>
      (window as unknown as { __hearsay: { replay: Record<string, (...a: unknown[]) => unknown> } }).__hearsay.replay[method]!(...args), { method, args }) as Promise<T>;
    await expect.poll(() => replay<boolean>('loaded'), { timeout: 20_000, message: 'the pair recording loads' }).toBe(true);
    // Just after both kills are failed everywhere (later, the recording ends with every node stopped).
    const { failures } = await replay<{ failures: { cause: string; allTs?: number }[] }>('info');
    const kills = failures.filter((f) => f.cause === 'kill');
    expect(kills.map((k) => k.allTs !== undefined), 'both kills detected by all').toEqual([true, true]);
    await replay('seek', Math.max(...kills.map((k) => k.allTs!)));
    await expect(page.getByTestId('replay-pair-side')).toBeVisible();
    await expect.poll(async () => { const s = await replay<ReplayState>('state'); return s.drawn && [s.nodes.length, s.pair?.length]; },
      { message: 'two graphs, one per side' }).toEqual([NODES, NODES]);
    const s = await replay<ReplayState>('state');
    const sides = [s.nodes, s.pair!].map((nodes) => nodes.map((n) => n.address));
    expect(sides[0]!.filter((a) => sides[1]!.includes(a)), 'no node on both sides').toEqual([]);
    expect([failedBy(s.nodes) !== undefined, failedBy(s.pair) !== undefined], 'the kill failed on both sides').toEqual([true, true]);
    await expect(page.getByTestId('node-count-sides')).toHaveText(`(left ${NODES - 1} alive · 1 failed of ${NODES} | right ${NODES - 1} alive · 1 failed of ${NODES})`);
    // The recording's bandwidth samples, per side, at the cursor: a row for every node still alive there (the
    // killed one's last sample may still be under 5 s old), and only that side's nodes.
    for (const [nodes, side] of [[s.nodes, page.locator('.replay-side').first()], [s.pair!, page.getByTestId('replay-pair-side')]] as const) {
      const rows = await side.getByTestId('replay-bandwidth').getByTestId('bandwidth-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-address')));
      const alive = nodes.filter((n) => n.majority === 'alive').map((n) => n.address);
      expect(alive.length).toBe(NODES - 1);
      expect(rows).toEqual(expect.arrayContaining(alive));
      expect(rows.every((a) => nodes.some((n) => n.address === a)), 'rows of this side only').toBe(true);
    }
    await screenshot(page, 'pair-3-replay');
  } finally {
    if (session) fs.rmSync(path.join(LOGS, session), { recursive: true, force: true });
  }
});

test('hearsay vs Serf side by side: bandwidth on both sides, Serf\'s from its agents\' telemetry', async ({ page }) => {
  test.skip(spawnSync('serf', ['version'], { stdio: 'ignore' }).status !== 0, 'no serf binary (apt-get install serf)');
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await page.getByTestId('pair-panel').locator('summary').click();
  await page.getByTestId('pair-nodes').fill('3');
  await page.getByTestId('pair-left').selectOption('ping+suspect');
  await page.getByTestId('pair-right').selectOption('serf');
  const before = new Set(sessions());
  await page.getByTestId('pair-launch').click();
  const allAlive = (nodes: NodeView[] | undefined) => (nodes ?? []).filter((n) => n.majority === 'alive' && n.tally.alive === 2).length;
  try {
    await expect.poll(async () => { const s = await pairState(page); return [allAlive(s.nodes), allAlive(s.pair)]; },
      { timeout: 40_000, message: 'both sides converged' }).toEqual([3, 3]);
    const serfRows = page.getByTestId('pair-side').getByTestId('bandwidth-row');
    await expect(page.locator('main.live:not(.pair-side)').getByTestId('bandwidth-row')).toHaveCount(3, { timeout: 10_000 });
    await expect(serfRows).toHaveCount(3, { timeout: 10_000 });
    // Bytes out, not a placeholder 0: Serf agents gossip every 100 ms on the local profile.
    await expect.poll(async () => (await serfRows.locator('.bw-value').allTextContents()).every((t) => !t.startsWith('0 B/s')),
      { timeout: 10_000, message: 'every Serf agent sends bytes' }).toBe(true);
    await screenshot(page, 'pair-4-hearsay-vs-serf-bandwidth');
  } finally {
    await page.getByTestId('stop-cluster').click();
    await expect.poll(async () => (await hookState(page)).running).toBe(0);
    for (const s of sessions()) if (!before.has(s)) fs.rmSync(path.join(LOGS, s), { recursive: true, force: true });
  }
});
