// PNG copies of the SVG plots, where a headless Chromium is at hand (Debian's /usr/bin/chromium here): the SVG is
// the source of truth, the PNG is for viewers that do not show SVG. No browser → no PNG, and the report says so.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const TIMEOUT_MS = 60_000;

export function findChromium(): string | undefined {
  const fromEnv = process.env.HEARSAY_CHROMIUM;
  return [fromEnv, ...CANDIDATES].find((p): p is string => p !== undefined && p !== '' && fs.existsSync(p));
}

/** Renders `svgFile` to `pngFile` at width × height; resolves false (with why) when it could not. */
export function svgToPng(browser: string, svgFile: string, pngFile: string, width: number, height: number): Promise<string | true> {
  return new Promise((resolve) => {
    const child = spawn(browser, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--mute-audio',
      `--screenshot=${pngFile}`, `--window-size=${width},${height}`, pathToFileURL(svgFile).href,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && fs.existsSync(pngFile)) resolve(true);
      else resolve(`${browser} exited with ${signal ?? code}: ${stderr.trim().split('\n').pop() ?? ''}`);
    });
  });
}
