// What the e2e specs share: reading the renderer's test hook (window.__hearsay, see renderer/main.ts), launching a
// cluster through the GUI's panel, clicking a node where the graph draws it, and keeping screenshots.
import path from 'node:path';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { ringLayout } from '../renderer/model/ring-layout.ts';

export const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');

export interface NodeView {
  address: string;
  id: string | undefined;
  majority: string;
  /** Cut off by the partition in force (ringed, the cut drawn). */
  cut: boolean;
  tally: { alive: number; suspect: number; failed: number; left: number };
}

export interface HookState {
  nodes: NodeView[];
  counts: { alive: number; suspect: number; failed: number; left: number; total: number };
  rejected: { frames: number };
  shell: string;
  connection: string;
  running: number;
  /** The view contract as the page followed it: a new session starts with a snapshot. */
  sync: { seq: number; snapshots: number; resyncs: number };
}

/** The hook is installed once the views exist (a moment after the page loads): wait for it, then read it. */
export async function hookState(page: Page): Promise<HookState> {
  await page.waitForFunction(() => '__hearsay' in window);
  return page.evaluate(() => (window as unknown as { __hearsay: { state(): HookState } }).__hearsay.state());
}

export async function nodeView(page: Page, address: string): Promise<NodeView | undefined> {
  return (await hookState(page)).nodes.find((n) => n.address === address);
}

/** Fills the launch panel and waits until every node is listed alive by every other node (a tally counts the other
 *  running observers, not the node itself). */
export async function launchFromGui(
  page: Page, opts: { nodes: number; suspicion: boolean; protocol?: 'gossip' | 'ping'; suspectMs?: number; preset?: string },
): Promise<HookState> {
  await page.getByTestId('launch-nodes').fill(String(opts.nodes));
  await page.getByTestId('launch-mode').selectOption('process');
  await page.getByTestId('launch-preset').selectOption(opts.preset ?? 'default');
  // The suspect timeout is a gossip timing: its field is shown only while a gossip configuration is chosen.
  await page.getByTestId('launch-protocol').selectOption('gossip+suspect');
  await page.getByTestId('launch-suspect-ms').fill(opts.suspectMs === undefined ? '' : String(opts.suspectMs));
  await page.getByTestId('launch-protocol').selectOption(`${opts.protocol ?? 'gossip'}+${opts.suspicion ? 'suspect' : 'nosuspect'}`);
  // The host still runs the previous test's cluster (same ports, all alive) until the new session's snapshot
  // arrives: count the page's snapshots, so the wait below reads the new cluster, not the old one.
  const snapshotsBefore = (await hookState(page)).sync.snapshots;
  await page.getByTestId('launch-button').click();
  await expect.poll(async () => {
    const s = await hookState(page);
    if (s.sync.snapshots === snapshotsBefore) return 0;
    return s.nodes.filter((n) => n.majority === 'alive' && n.tally.alive === opts.nodes - 1).length;
  }, { timeout: 30_000, message: `all ${opts.nodes} nodes alive in every list` }).toBe(opts.nodes);
  await expect(page.getByTestId('node-count-alive')).toHaveText(String(opts.nodes));
  return hookState(page);
}

/** Where the graph draws the node's disc, relative to the graph canvas (the ring layout the renderer uses). */
export async function nodePosition(page: Page, address: string): Promise<{ x: number; y: number }> {
  const { nodes } = await hookState(page);
  const index = nodes.findIndex((n) => n.address === address);
  expect(index, `${address} is on the graph`).toBeGreaterThanOrEqual(0);
  const box = await page.getByTestId('graph-canvas').boundingBox();
  if (!box) throw new Error('the graph canvas is not visible');
  const layout = ringLayout(nodes.length, box.width, box.height);
  return { x: layout.positions[2 * index]!, y: layout.positions[2 * index + 1]! };
}

/** Clicks the node's disc on the graph canvas, then checks the inspector. */
export async function clickNode(page: Page, address: string): Promise<void> {
  await page.getByTestId('graph-canvas').click({ position: await nodePosition(page, address) });
  await expect(page.getByTestId('inspector-address')).toHaveText(address);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
