// Opening recordings: folders (one level of per-node folders), single files, the samples collection, and the
// refusals — missing paths, non-JSONL files, empty folders, symlinks out of the folder, unregistered names.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../node-runtime/user-error.ts';
import { parseRecordingUrl, RecordingFiles } from './recording-files.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-recordings-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const logs = path.join(tmp, 'logs');
const write = (rel: string, text = '{}\n'): void => {
  fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
  fs.writeFileSync(path.join(tmp, rel), text);
};
write('logs/run/actions.jsonl');
write('logs/run/127.0.0.1_3000/127.0.0.1_3000.jsonl', '{"a":1}\n');
write('logs/run/127.0.0.1_3000/console.log');
write('logs/run/deep/er/ignored.jsonl');
write('logs/samples/small/127.0.0.1_3000.jsonl');
write('logs/empty/readme.txt');
write('outside.jsonl');
fs.symlinkSync(path.join(tmp, 'outside.jsonl'), path.join(logs, 'run', 'link.jsonl'));

const files = new RecordingFiles({ cwd: tmp, logsDir: logs });

test('a folder holds its JSONL and .log files (Serf agents log text) and those one level down, nothing else', () => {
  const info = files.open('logs/run');
  assert.equal(info.path, 'logs/run');
  assert.deepEqual(info.files.map((f) => f.name), ['127.0.0.1_3000/127.0.0.1_3000.jsonl', '127.0.0.1_3000/console.log', 'actions.jsonl']);
  assert.equal(info.bytes, 14);
  const url = parseRecordingUrl(info.files[0]!.url)!;
  assert.equal(files.resolve(url.token, url.name), path.join(logs, 'run', '127.0.0.1_3000', '127.0.0.1_3000.jsonl'));
  assert.equal(files.resolve(url.token, 'link.jsonl'), undefined);
  assert.equal(files.resolve(url.token, '../../outside.jsonl'), undefined);
  assert.equal(files.open('logs/run').files[0]!.url, info.files[0]!.url, 'the same folder keeps its token');
});

test('outside the recordings folder only once the user approved it (--replay); a symlink does not lead out', () => {
  const outside = path.join(tmp, 'outside.jsonl');
  const mine = new RecordingFiles({ cwd: tmp, logsDir: logs });
  assert.throws(() => mine.open(outside), (e) => e instanceof UserError && e.code === 'file' &&
    /outside\.jsonl is outside the recordings folder \(logs\/\): open it by starting the app with --replay PATH/.test(e.message));
  assert.throws(() => mine.open('logs/run/link.jsonl'), /outside the recordings folder/, 'a symlink in logs/ to a file outside');
  assert.throws(() => mine.open('logs/../outside.jsonl'), /outside the recordings folder/);
  mine.approve(outside);
  assert.deepEqual(mine.open(outside).files.map((f) => f.name), ['outside.jsonl']);
});

test('a single file, and one clear line for what cannot be opened', () => {
  files.approve(path.join(tmp, 'outside.jsonl'));
  assert.deepEqual(files.open(path.join(tmp, 'outside.jsonl')).files.map((f) => f.name), ['outside.jsonl']);
  assert.throws(() => files.open('nope'), { name: 'UserError', message: 'recording not found: nope' });
  assert.throws(() => files.open('logs/empty/readme.txt'), /not a \.jsonl or \.log log/);
  assert.throws(() => files.open('logs/empty'), /no \.jsonl or \.log logs in logs\/empty/);
});

test('list: every folder under logs/, and each sample of logs/samples/', () => {
  assert.deepEqual(files.list().map((r) => r.path), ['logs/run', 'logs/samples/small']);
});

test('recording URLs parse back only in their own shape', () => {
  assert.deepEqual(parseRecordingUrl(`/recording/${'a'.repeat(32)}/x%2Fy.jsonl`), { token: 'a'.repeat(32), name: 'x/y.jsonl' });
  assert.equal(parseRecordingUrl('/recording/short/x.jsonl'), undefined);
  assert.equal(parseRecordingUrl(`/recording/${'a'.repeat(32)}/x/y.jsonl`), undefined);
  assert.equal(parseRecordingUrl(`/recording/${'a'.repeat(32)}/%E0%A4%A`), undefined);
});
