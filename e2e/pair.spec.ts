// Side by side against the browser shell: two hearsay clusters (gossip | gossip + suspicion) launched from the
// panel's side-by-side piece, one kill applied to the 3rd node of both at once, and both graphs show their own
// detection; its recording then opens in Replay split the same way: two graphs on one timeline, the kill failed on
// both sides. Screenshots in e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
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
    await screenshot(page, 'pair-3-replay');
  } finally {
    if (session) fs.rmSync(path.join(LOGS, session), { recursive: true, force: true });
  }
});
