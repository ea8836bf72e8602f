// The protocol family from the panel, against the browser shell with real process nodes: launch ping + suspicion,
// every node alive in every list; switch the running cluster to gossip from the panel's protocol switch; the panel
// then shows what the nodes report, every node's own `display_protocol` says gossip, each node's `list_mem` matches
// the page's lists, and nobody was suspected or failed by the switch. Its recording in Replay says which protocol was
// in force before and after the switch. Screenshots in e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { controlRequest } from '../node-runtime/control/client.ts';
import type { ListMemResult, ProtocolResult } from '../node-runtime/control/commands.ts';
import { ARTIFACTS, hookState, launchFromGui, screenshot } from './hearsay-page.ts';

const NODES = 5;

interface PageView {
  slots: { address: string; id: string | undefined; state: string }[];
  lists: { observer: string; members: { member: string; status: string }[] }[];
}

async function pageView(page: Page): Promise<PageView> {
  return page.evaluate(() => {
    const hook = (window as unknown as { __hearsay: { state(): PageView; lists(): PageView['lists'] } }).__hearsay;
    return { slots: hook.state().slots, lists: hook.lists() };
  });
}

/** Every running node's own answers: its protocol and its list (`observer member` → status). */
async function nodesSay(slots: PageView['slots']): Promise<{ protocols: string[]; triples: string[] }> {
  const running = slots.filter((s) => s.state === 'running');
  const protocols = await Promise.all(running.map(async (s) => ((await controlRequest(s.address, 'display_protocol', [])) as ProtocolResult).protocol));
  const lists = await Promise.all(running.map(async (s) => (await controlRequest(s.address, 'list_mem', [])) as ListMemResult));
  const triples = lists.flatMap((l) => l.members.map((m) => `${l.self} ${m.id} ${m.status}`)).sort();
  return { protocols, triples };
}

const pageTriples = (v: PageView): string[] => v.lists.flatMap((l) => l.members.map((m) => `${l.observer} ${m.member} ${m.status}`)).sort();

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
});

const LOGS = path.join(ARTIFACTS, 'logs');
const sessions = (): string[] => (fs.existsSync(LOGS) ? fs.readdirSync(LOGS) : []);

test.afterEach(async ({ page }) => {
  await page.getByTestId('mode-live').click();
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
});

test('launch ping + suspicion from the panel, switch to gossip from the panel: the nodes agree, nobody failed', async ({ page }) => {
  const control = page.getByTestId('protocol-switch');
  const state = page.getByTestId('protocol-state');
  const before = new Set(sessions());
  await launchFromGui(page, { nodes: NODES, protocol: 'ping', suspicion: true });
  const launchedAt = Date.now();
  await expect(state).toHaveText('ping + suspicion');
  await expect(control).toHaveValue('ping+suspect');
  const launched = await pageView(page);
  expect((await nodesSay(launched.slots)).protocols).toEqual(Array(NODES).fill('ping+suspect'));
  await screenshot(page, 'protocol-1-ping-suspicion');

  await control.selectOption('gossip+nosuspect');
  await expect(state).toHaveText('gossip', { timeout: 15_000 });
  await expect(control).toHaveValue('gossip+nosuspect');
  // The nodes' own answers and the page's lists agree (polled together: both follow the same nodes).
  await expect.poll(async () => {
    const view = await pageView(page);
    const said = await nodesSay(view.slots);
    return { protocols: said.protocols, same: said.triples.join('\n') === pageTriples(view).join('\n'), count: said.triples.length };
  }, { timeout: 15_000, message: 'every node runs gossip and lists what the page shows' })
    .toEqual({ protocols: Array(NODES).fill('gossip+nosuspect'), same: true, count: NODES * NODES });
  const switchedAt = Date.now();
  // Nobody was failed or suspected by the switch, on the page or at any node.
  const after = await pageView(page);
  expect(pageTriples(after).every((t) => t.endsWith(' alive'))).toBe(true);
  expect(after.slots.map((s) => s.id)).toEqual(launched.slots.map((s) => s.id));
  await expect(page.getByTestId('node-count-failed')).toHaveText('0');
  await expect(page.getByTestId('node-count-suspect')).toHaveText('0');
  await page.getByTestId('cluster-panel').screenshot({ path: path.join(ARTIFACTS, 'protocol-2-panel-gossip.png') });
  await screenshot(page, 'protocol-2-switched-gossip');
  expect((await hookState(page)).rejected).toEqual({ frames: 0 });

  // Replay of this session: the protocol in force at the cursor, from the nodes' own protocol lines.
  await page.getByTestId('stop-cluster').click();
  await expect.poll(async () => (await hookState(page)).running).toBe(0);
  const session = sessions().find((s) => !before.has(s));
  expect(session, 'the launch wrote one recording folder').toBeDefined();
  await page.getByTestId('mode-replay').click();
  await page.getByTestId('replay-path').fill(path.relative(process.cwd(), path.join(LOGS, session!)));
  await page.getByTestId('replay-open').click();
  const replay = (method: string, ...args: unknown[]) => page.evaluate(({ method, args }) =>
    (window as unknown as { __hearsay: { replay: Record<string, (...a: unknown[]) => unknown> } }).__hearsay.replay[method]!(...args), { method, args });
  await expect.poll(() => replay('loaded'), { timeout: 20_000, message: 'the recording loads' }).toBe(true);
  await replay('seek', launchedAt);
  await expect(page.getByTestId('replay-protocol')).toHaveText('protocol: ping + suspicion');
  await replay('seek', switchedAt);
  await expect(page.getByTestId('replay-protocol')).toHaveText('protocol: gossip');
  await screenshot(page, 'protocol-3-replay-gossip');
});
