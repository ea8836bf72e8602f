import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Recorder } from './recorder.ts';

describe('Recorder', () => {
  it('an observer file that cannot be opened is reported once, never thrown (it runs in a socket callback)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-rec-'));
    try {
      const recorder = Recorder.create(root, 'attached');
      // A file where the observer's folder should go: mkdir fails.
      fs.writeFileSync(recorder.nodeLogDir('127.0.0.1:3001'), 'in the way');
      const event = (node: string) => ({ ts: 1, node, event: 'join' as const, member: node });
      const first = recorder.events([event('127.0.0.1:3001@1'), event('127.0.0.1:3002@1')]);
      assert.match(first ?? '', /^not recording 127\.0\.0\.1:3001: cannot use .*127\.0\.0\.1_3001: .* is not a directory$/);
      assert.equal(recorder.events([event('127.0.0.1:3001@1')]), undefined, 'reported once');
      await recorder.close();
      const recorded = fs.readFileSync(path.join(recorder.nodeLogDir('127.0.0.1:3002'), '127.0.0.1_3002.jsonl'), 'utf8');
      assert.equal(recorded.trim().split('\n').length, 1);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
