// Node groups for one integration test file: each under a fresh temporary log root, every process killed and the
// root removed when the file's tests are done, whatever happened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { NodeGroup } from './node-process.ts';

/** Returns `group(name, args)`; `beforeKill` runs first in teardown (e.g. closing a test's own sockets). */
export function testGroups(prefix: string, beforeKill?: () => void): (name: string, args?: readonly string[]) => NodeGroup {
  const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), `hearsay-${prefix}-`));
  const groups: NodeGroup[] = [];
  after(async () => {
    beforeKill?.();
    await Promise.all(groups.map((g) => g.killAll()));
    fs.rmSync(logRoot, { recursive: true, force: true });
  });
  return (name, args = []) => {
    const g = new NodeGroup(path.join(logRoot, name), args);
    groups.push(g);
    return g;
  };
}
