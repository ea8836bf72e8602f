import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppArgs } from './app-args.ts';
import { UserError } from '../../node-runtime/user-error.ts';

const usage = (message: RegExp) => (err: unknown) => err instanceof UserError && err.code === 'usage' && message.test(err.message);

test('npm start keeps the fast defaults; --preset watch and the node limits are the launch panel\'s', () => {
  assert.equal(parseAppArgs([]).preset, 'default');
  assert.equal(parseAppArgs(['--preset', 'watch']).preset, 'watch');
  assert.equal(parseAppArgs(['--nodes', '2000', '--mode', 'embedded']).nodes, 2000);
  assert.throws(() => parseAppArgs(['--preset', 'slow']), usage(/^--preset slow: expected default or watch$/));
  assert.equal(parseAppArgs([]).protocol, 'gossip');
  assert.equal(parseAppArgs(['--protocol', 'ping', '--preset', 'watch']).protocol, 'ping');
  assert.throws(() => parseAppArgs(['--protocol', 'swim']), usage(/^--protocol swim: expected gossip or ping$/));
  assert.throws(() => parseAppArgs(['--nodes', '201']), usage(/^--nodes 201: expected a whole number 0\.\.200$/));
});
