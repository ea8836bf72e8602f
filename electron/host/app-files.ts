// What both shells serve by URL path: the built renderer (dist/renderer) and the files of opened recordings. The
// browser shell streams the result over HTTP, Electron through its custom protocol; both send the same CSP.
import fs from 'node:fs';
import path from 'node:path';
import { parseRecordingUrl } from './recording-files.ts';
import type { RecordingFiles } from './recording-files.ts';

/** No inline script, no eval, no remote anything; `connect-src 'self'` covers the shell's own ws:// (CSP3). Pixi
 *  uploads textures through blob: and data: URLs and may decode images in a blob: worker. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page is cross-origin isolated (it loads nothing from elsewhere anyway), so its clock — performance.now() and
 *  requestAnimationFrame's timestamps — keeps 5 µs of resolution instead of 100 µs: with 100 µs a frame on every
 *  16.67-ms vsync read 16.6, 16.7 or 16.8 ms, and a frame-time percentile could not tell 16.8 from a late frame. */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServedFile {
  readonly file: string;
  readonly contentType: string;
  readonly bytes: number;
}

export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function regularFile(file: string): ServedFile | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? { file, contentType: contentTypeOf(file), bytes: stat.size } : undefined;
  } catch {
    return undefined;
  }
}

/** The file behind a URL path (already split from its query), or undefined: 404. A path that decodes to anything
 *  outside `rendererDir` (`..`, encoded slashes, NUL) is refused, never resolved. */
export function resolveAppFile(rendererDir: string, recordings: RecordingFiles, pathname: string): ServedFile | undefined {
  const recording = parseRecordingUrl(pathname);
  if (recording) {
    const file = recordings.resolve(recording.token, recording.name);
    return file === undefined ? undefined : regularFile(file);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (!file.startsWith(root + path.sep)) return undefined;
  return regularFile(file);
}
