// The grep option parser shared by the CLI and the nodes: GNU grep's syntax for what is allowed, a clear refusal
// for the rest.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GrepArgsError, grepArgv, parseGrepArgs } from './grep-args.ts';

describe('parseGrepArgs', () => {
  it('reads bundles, attached and separate arguments, long synonyms and --', () => {
    assert.deepEqual(parseGrepArgs(['-inE', 'x']), { flags: ['i', 'n', 'E'], patterns: ['x'] });
    assert.deepEqual(parseGrepArgs(['-m5', '-cvexy', '-e', '-z']), { flags: ['c', 'v'], maxCount: 5, patterns: ['xy', '-z'] });
    assert.deepEqual(parseGrepArgs(['--ignore-case', '--max-count=2', '--regexp', 'a']), { flags: ['i'], maxCount: 2, patterns: ['a'] });
    assert.deepEqual(parseGrepArgs(['-F', '--', '-v']), { flags: ['F'], patterns: ['-v'] });
    assert.deepEqual(parseGrepArgs(['']), { flags: [], patterns: [''] });
  });

  it('puts every pattern behind -e and the files behind --', () => {
    assert.deepEqual(grepArgv(parseGrepArgs(['-i', '--', '-rf']), ['a.log']), ['-H', '-i', '-e', '-rf', '--', 'a.log']);
  });

  it('refuses what names files, what it does not know, and bad values', () => {
    for (const [args, message] of [
      [['-f', 'p'], /refused: -f reads patterns from a file/],
      [['-ir', 'x'], /refused: -r searches directories/],
      [['--include=*.c', 'x'], /refused: --include selects files/],
      [['--exclude-from', 'f', 'x'], /refused: --exclude-from/],
      [['x', '../y'], /refused: file operand "\.\.\/y"/],
      [['-P', 'x'], /unknown or unsupported option -P/],
      [['--ignore-case=yes', 'x'], /unknown or unsupported option/],
      [['-m', '-1', 'x'], /-m needs a whole number/],
      [['-e'], /-e needs an argument/],
      [['-i'], /no pattern given/],
      [['a\0b'], /NUL/],
    ] as const) {
      assert.throws(() => parseGrepArgs(args), (err: Error) => err instanceof GrepArgsError && message.test(err.message), args.join(' '));
    }
  });
});
