// Replay against the browser shell: open the small real sample (logs/samples/small: 10 nodes, 3 kills, a pause with
// suspicion on) by path, check the load report and the failure markers, scrub to a failure and see the graph and the
// matrix show it; then step, filter and play. A live session recorded and replayed: the cut drawn while it was in
// force, and the full spread tree of a failure. Screenshots in e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { ARTIFACTS, clickNode, hookState, launchFromGui, nodePosition, screenshot } from './hearsay-page.ts';
import type { NodeView } from './hearsay-page.ts';

const SAMPLE = 'logs/samples/small';

interface Failure { member: string; address: string; cause: string; fromTs: number; firstTs?: number; allTs?: number; detected: number; expected: number }
interface ReplayHook {
  loaded(): boolean;
  info(): { events: number; files: string[]; startTs: number; endTs: number; skipped: Record<string, number>; failures: Failure[] };
  time(): number;
  position(): number;
  seek(t: number): void;
  state(): { time: number; position: number; drawn: boolean; nodes: NodeView[] };
  statusOf(observer: string, member: string): string | undefined;
  select(address: string): void;
}

/** Calls a method of the replay test hook in the page (undefined before replay is mounted). */
function call<T>(page: Page, method: keyof ReplayHook, ...args: unknown[]): Promise<T> {
  return page.evaluate(({ method, args }) => {
    const replay = (window as unknown as { __hearsay: { replay?: Record<string, (...a: unknown[]) => unknown> } }).__hearsay.replay;
    return replay?.[method]?.(...args);
  }, { method, args }) as Promise<T>;
}

async function openSample(page: Page): Promise<ReturnType<ReplayHook['info']>> {
  await page.goto('/');
  // The tabs stay disabled until main.ts has wired them; click() waits for that.
  await page.getByTestId('mode-replay').click();
  await page.getByTestId('replay-path').fill(SAMPLE);
  await page.getByTestId('replay-open').click();
  await expect.poll(() => call<boolean | undefined>(page, 'loaded'), { message: 'the sample loads' }).toBe(true);
  return call<ReturnType<ReplayHook['info']>>(page, 'info');
}

/** The drawn graph after the last seek (the hook reports a state only once a frame has drawn it). */
async function drawn(page: Page): Promise<NodeView[]> {
  await expect.poll(async () => (await call<ReturnType<ReplayHook['state']>>(page, 'state')).drawn).toBe(true);
  return (await call<ReturnType<ReplayHook['state']>>(page, 'state')).nodes;
}

test('open the small sample, scrub to a kill, see the failure in the graph and the matrix', async ({ page }) => {
  // The CSP allows no inline style attributes: positions must be set through CSSOM, and nothing may be refused.
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const info = await openSample(page);
  expect(info.files).toHaveLength(10);
  expect(info.events).toBeGreaterThan(150);
  expect(info.skipped).toEqual({});
  await expect(page.getByTestId('replay-progress')).toHaveJSProperty('position', 1);
  await expect(page.getByTestId('replay-skipped')).toContainText('0 lines skipped');
  const kills = info.failures.filter((f) => f.cause === 'kill');
  expect(kills).toHaveLength(3);
  for (const k of kills) {
    expect(k.firstTs! - k.fromTs, 'first detection within 3 s').toBeLessThan(3000);
    expect(k.allTs! - k.fromTs, 'all within 6 s').toBeLessThan(6000);
  }
  await expect(page.getByTestId('replay-marker').first()).toBeVisible();
  expect(await page.getByTestId('replay-marker').first().evaluate((e) => e.style.left)).toMatch(/%$/);
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  await screenshot(page, 'replay-1-opened');

  // Before the first kill: its victim is alive everywhere.
  const victim = kills[0]!;
  await call(page, 'seek', info.startTs);
  const beforeAt = Math.floor(((victim.fromTs - info.startTs) / (info.endTs - info.startTs)) * 100_000) - 1;
  await page.getByTestId('replay-scrubber').fill(String(beforeAt));
  let nodes = await drawn(page);
  const beforeKill = nodes;
  let v = nodes.find((n) => n.address === victim.address)!;
  expect(v.majority).toBe('alive');
  expect(v.tally.failed).toBe(0);

  // Scrub past the last observer's detection: every other running node lists it failed.
  const allAt = Math.ceil(((victim.allTs! - info.startTs) / (info.endTs - info.startTs)) * 100_000) + 1;
  await page.getByTestId('replay-scrubber').fill(String(allAt));
  nodes = await drawn(page);
  v = nodes.find((n) => n.address === victim.address)!;
  expect(v.majority).toBe('failed');
  expect(v.tally.failed).toBe(victim.expected);
  expect(v.tally.alive).toBe(0);
  // The matrix folds the same state: each of those observers' rows has the victim failed.
  const others = nodes.filter((n) => n.address !== victim.address && n.majority === 'alive');
  expect(others.length).toBe(victim.expected);
  for (const o of others) expect(await call(page, 'statusOf', o.id, victim.member)).toBe('failed');
  await expect(page.getByTestId('replay-time')).toContainText(' s · ');
  await expect(page.getByTestId('replay-events')).toContainText('fail');
  // The top bar counts what the graph shows at the cursor, not the (empty) live cluster.
  await expect(page.getByTestId('node-count-failed')).toHaveText('1');
  await expect(page.getByTestId('node-count-alive')).toHaveText(String(others.length));
  await expect(page.getByTestId('node-count-total')).toHaveText(String(nodes.length));
  await screenshot(page, 'replay-2-kill-detected');

  // Seeking back and forth redraws every tally ring: the graph equals what it showed at those times before.
  await page.getByTestId('replay-scrubber').fill(String(beforeAt));
  expect(await drawn(page)).toEqual(beforeKill);
  await page.getByTestId('replay-scrubber').fill(String(allAt));
  expect(await drawn(page)).toEqual(nodes);
});

test('next failure, stepping, filters and play', async ({ page }) => {
  const info = await openSample(page);
  await page.getByTestId('replay-next-failure').click();
  const first = info.failures.map((f) => f.firstTs ?? f.fromTs).sort((a, b) => a - b)[0]!;
  await expect.poll(() => call<number>(page, 'time')).toBe(first);
  await expect(page.getByTestId('replay-status')).toContainText('first');

  const before = await call<number>(page, 'position');
  await page.getByTestId('replay-next').click();
  await expect.poll(() => call<number>(page, 'position')).toBeGreaterThan(before);
  await page.getByTestId('replay-prev').click();
  await page.getByTestId('replay-prev').click();
  await expect.poll(() => call<number>(page, 'position')).toBeLessThan(before);

  // Only `fail` events listed and stepped: the next step lands on a fail.
  for (const kind of ['start', 'stop', 'join', 'suspect', 'alive', 'remove', 'leave']) await page.getByTestId(`replay-filter-${kind}`).uncheck();
  await page.getByTestId('replay-next').click();
  await expect(page.locator('[data-testid=replay-events] tbody tr.current td:nth-child(3)')).toHaveText('fail');

  await page.getByTestId('replay-speed').fill('1000');
  await expect(page.getByTestId('replay-speed')).toHaveValue('1000');
  const t0 = await call<number>(page, 'time');
  await page.getByTestId('replay-play').click();
  await expect.poll(() => call<number>(page, 'time'), { message: 'playing at 100× moves the cursor' }).toBeGreaterThan(t0 + 500);
  // Pause, unless the 100× run already reached the end (a click there would start it over): checked and clicked in
  // one step in the page, so the end cannot come in between.
  await page.evaluate(() => {
    const play = document.querySelector<HTMLButtonElement>('[data-testid=replay-play]')!;
    if (play.textContent!.includes('pause')) play.click();
  });
  await expect(page.getByTestId('replay-play')).toHaveText('▶ play');
  await screenshot(page, 'replay-3-filtered-playing');
});

test('keys go to the mode on screen: replay steps with the arrows, live ignores them', async ({ page }) => {
  const info = await openSample(page);
  await call(page, 'seek', info.startTs);
  await page.getByTestId('replay-open').blur();
  const at = await call<number>(page, 'position');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => call<number>(page, 'position')).toBeGreaterThan(at);
  const next = await call<number>(page, 'position');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => call<number>(page, 'position')).toBeLessThan(next);
  const back = await call<number>(page, 'position');
  // Typed into a field, a key is the field's.
  await page.getByTestId('replay-path').press('ArrowRight');
  await page.getByTestId('mode-live').click();
  await page.getByTestId('mode-live').blur();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('f');
  await page.getByTestId('mode-replay').click();
  await page.getByTestId('mode-replay').blur();
  expect(await call<number>(page, 'position'), 'no replay key acted outside replay or in a field').toBe(back);
  await page.keyboard.press('f');
  const first = info.failures.map((f) => f.firstTs ?? f.fromTs).sort((a, b) => a - b)[0]!;
  await expect.poll(() => call<number>(page, 'time')).toBe(first);
});

test('?replay=<path> (npm start -- --replay DIR) opens the recording at start, in Replay mode', async ({ page }) => {
  await page.goto(`/?replay=${encodeURIComponent(SAMPLE)}`);
  await expect(page.getByTestId('replay-root')).toBeVisible();
  await expect.poll(() => call<boolean | undefined>(page, 'loaded'), { message: 'the sample loads' }).toBe(true);
  await expect(page.getByTestId('replay-path')).toHaveValue(SAMPLE);
  // 194 logged events plus the 3 stops the kill -9ed processes could not log.
  await expect(page.getByTestId('replay-status')).toContainText('197 events, 3 failures');
});

test('a live session replayed: the recorded cut drawn while in force, the full spread tree of a failure', async ({ page }) => {
  test.setTimeout(120_000);
  const started = Date.now();
  await page.goto('/');
  // Ping mode: one prober detects the kill and the others hear of it, so the tree has hops, not only roots.
  const { nodes } = await launchFromGui(page, { nodes: 6, suspicion: true, protocol: 'ping' });
  const victim = nodes[2]!.address;
  await clickNode(page, victim);
  await page.getByTestId('action-kill').click();
  await expect.poll(async () => (await hookState(page)).nodes[2]!.tally.failed, { timeout: 20_000, message: 'every node fails the killed one' }).toBe(5);
  for (const slot of [4, 5]) {
    await page.getByTestId('graph-canvas').click({ position: await nodePosition(page, nodes[slot]!.address), modifiers: ['ControlOrMeta'] });
  }
  await page.getByTestId('isolate').click();
  await expect(page.getByTestId('feedback')).toContainText('cut off 2 node(s)');
  await expect.poll(async () => (await hookState(page)).nodes[4]!.tally.failed, { timeout: 20_000, message: 'the isolated pair failed by the rest' }).toBe(3);
  await page.getByTestId('stop-cluster').click();
  await expect(page.getByTestId('node-count-alive')).toHaveText('0');

  // The session's recording: the newest folder the shell wrote since this test began.
  const logs = path.join(ARTIFACTS, 'logs');
  const session = fs.readdirSync(logs).filter((d) => fs.statSync(path.join(logs, d)).mtimeMs >= started).sort().at(-1)!;
  await page.getByTestId('mode-replay').click();
  await page.getByTestId('replay-path').fill(path.relative(process.cwd(), path.join(logs, session)));
  await page.getByTestId('replay-open').click();
  await expect.poll(() => call<boolean | undefined>(page, 'loaded'), { message: 'the recording loads' }).toBe(true);
  const info = await call<ReturnType<ReplayHook['info']>>(page, 'info');
  expect(info.skipped).toEqual({});

  // At the end the partition is still in force: the two isolated nodes are drawn cut off, the others not.
  await call(page, 'seek', info.endTs);
  const end = await drawn(page);
  expect(end.filter((n) => n.cut).map((n) => n.address).sort()).toEqual([nodes[4]!.address, nodes[5]!.address].sort());
  // Before the cut, nothing is.
  const kill = info.failures.find((f) => f.address === victim && f.cause === 'kill')!;
  await call(page, 'seek', kill.allTs!);
  expect((await drawn(page)).some((n) => n.cut)).toBe(false);

  // The killed node's failure, selected after one jump past it: its whole tree, every observer with its hop.
  await call(page, 'select', victim);
  const spread = page.getByTestId('replay-root').getByTestId('inspector-spread');
  await expect(spread).toContainText('detected it itself');
  await expect(spread).toContainText(/heard from 127\.0\.0\.1:\d+ at \+\d+\.\d\d s/);
  await expect(spread.locator('li')).toHaveCount(5);
  await screenshot(page, 'replay-spread-tree');
  await call(page, 'seek', info.endTs);
  await drawn(page);
  await screenshot(page, 'replay-cut');
});
