import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../user-error.ts';
import { makeDir } from './make-dir.ts';

test('makeDir: missing parents made; an unusable path is one clear error, at once (fs.mkdirSync recursive spins on /proc)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-mkdir-'));
  try {
    makeDir(path.join(tmp, 'a', 'b', 'c'));
    assert.ok(fs.statSync(path.join(tmp, 'a', 'b', 'c')).isDirectory());
    makeDir(path.join(tmp, 'a')); // exists: fine
    fs.writeFileSync(path.join(tmp, 'file'), '');
    const started = Date.now();
    assert.throws(() => makeDir('/proc/x/y'), (e) => e instanceof UserError && e.code === 'file' && /^cannot create the directory \/proc\/x\/y: /.test(e.message));
    assert.throws(() => makeDir(path.join(tmp, 'file', 'x')), (e) => e instanceof UserError && /not a directory/.test(e.message));
    assert.ok(Date.now() - started < 1000);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
