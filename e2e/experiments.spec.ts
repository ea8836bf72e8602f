// The Experiments tab against the browser shell: a tiny experiment in the simulator runs from the form, its progress
// reaches the end, the uPlot charts are drawn with points on them, the result is listed and opens again from
// logs/experiments/, and a running experiment can be cancelled.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { screenshot } from './hearsay-page.ts';

/** Pixels of a chart's canvas that are neither background nor near-white: lines, points and error bars. */
function inkedPixels(page: Page, plotId: string): Promise<number> {
  return page.getByTestId(`experiment-plot-${plotId}`).locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      // The configurations' colours are saturated (blue, orange); grid lines and axes are grey.
      if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
    }
    return n;
  });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('connection-status')).toHaveText('open');
  await page.getByTestId('mode-experiments').click();
  await expect(page.getByTestId('experiments-root')).toBeVisible();
});

test('a tiny experiment runs from the tab, its plots are drawn, and it opens again from the past results', async ({ page }) => {
  await page.getByTestId('experiment-schedule').selectOption('tiny');
  await page.getByTestId('experiment-source').selectOption('simulator');
  await page.getByTestId('experiment-runs').fill('2');
  await page.getByTestId('experiment-run').click();
  const status = page.getByTestId('experiment-status');
  await expect(status).toContainText('finished', { timeout: 60_000 });
  const progress = page.getByTestId('experiment-progress');
  expect(await progress.evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([expect.any(Number), expect.any(Number)]);
  expect(await progress.evaluate((p: HTMLProgressElement) => p.value === p.max && p.max > 1)).toBe(true);
  for (const id of ['bandwidth', 'false-positives', 'detection-first', 'detection-all']) {
    await expect(page.getByTestId(`experiment-plot-${id}`)).toBeVisible();
    expect(await inkedPixels(page, id), `${id}: series drawn`).toBeGreaterThan(200);
  }
  // uPlot's legend names each configuration in the simulator.
  await expect(page.getByTestId('experiment-plot-detection-first')).toContainText('gossip+s, simulator');
  await screenshot(page, 'experiments-1-finished');

  const name = (await status.textContent())!.split(':')[0]!;
  await expect(page.getByTestId('experiment-past').locator('option', { hasText: name })).toHaveCount(1);
  await page.getByTestId('mode-live').click();
  await page.getByTestId('mode-experiments').click();
  await page.getByTestId('experiment-past').selectOption(name);
  await page.getByTestId('experiment-open').click();
  await expect(status).toContainText(`${name}: finished`);
  expect(await inkedPixels(page, 'detection-all')).toBeGreaterThan(200);
});

test('a running experiment is cancelled from the tab and keeps what finished', async ({ page }) => {
  await page.getByTestId('experiment-schedule').selectOption('quick');
  await page.getByTestId('experiment-source').selectOption('simulator');
  await page.getByTestId('experiment-run').click();
  const status = page.getByTestId('experiment-status');
  await expect(status).toContainText('running');
  await expect(page.getByTestId('experiment-run')).toBeDisabled();
  await page.getByTestId('experiment-cancel').click();
  await expect(status).toContainText('cancelled', { timeout: 30_000 });
  await expect(page.getByTestId('experiment-run')).toBeEnabled();
  await expect(page.getByTestId('experiment-cancel')).toBeDisabled();
});
