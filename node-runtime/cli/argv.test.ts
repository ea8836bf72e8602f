import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../user-error.ts';
import { parseArgv } from './argv.ts';
import { parseFlags, portFlag } from './flags.ts';

const usage = (pattern: RegExp) => (e: unknown): boolean => e instanceof UserError && e.code === 'usage' && pattern.test(e.message);

describe('parseArgv', () => {
  const options = { port: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

  it('a negative number is a value, so the range check words the mistake (not "argument is ambiguous")', () => {
    const { values } = parseFlags(['--port', '-1'], { port: { type: 'string', help: '' } });
    assert.equal(values.port, '-1');
    assert.throws(() => portFlag(values, 'port'), usage(/^--port -1: expected an integer in 1\.\.65535$/));
  });

  it('tells each mistake by kind, in one line', () => {
    assert.throws(() => parseArgv(['--bogus'], options), usage(/^unknown flag --bogus \(see --help\)$/));
    assert.throws(() => parseArgv(['--port'], options), usage(/^--port needs a value/));
    assert.throws(() => parseArgv(['--open=yes'], options), usage(/^--open takes no value/));
    assert.throws(() => parseArgv(['stray'], options), usage(/^unexpected argument stray/));
  });

  it('accepts what it declares: --no-x, -h, positionals when allowed, unknown flags when lenient', () => {
    assert.deepEqual({ ...parseArgv(['--no-open', '-h', '--port=7'], options).values }, { open: false, help: true, port: '7' });
    assert.deepEqual(parseArgv(['a', 'b'], options, { positionals: true }).positionals, ['a', 'b']);
    assert.deepEqual(parseArgv(['--enable-features=X', '--port', '5'], options, { strict: false }).values.port, '5');
  });
});
