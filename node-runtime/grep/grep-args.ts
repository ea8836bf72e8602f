// The grep options dgrep passes through, parsed the way GNU grep reads them (bundled `-inE`, `-m5`, `-ePAT`, `--`,
// long synonyms) against an allow-list. The same parser runs in the CLI and again on every node, so a refused option
// gets the same clear message wherever it is caught, and a node never trusts what a client sent.

/** Flags that take no argument, with GNU grep's meaning. */
const FLAGS = ['E', 'F', 'G', 'i', 'v', 'w', 'x', 'c', 'n'] as const;
export type GrepFlag = (typeof FLAGS)[number];

const LONG_FLAGS: Readonly<Record<string, GrepFlag>> = {
  'extended-regexp': 'E', 'fixed-strings': 'F', 'basic-regexp': 'G', 'ignore-case': 'i', 'invert-match': 'v',
  'word-regexp': 'w', 'line-regexp': 'x', count: 'c', 'line-number': 'n',
};

/** Options that would make grep read something other than the served files, or that change what it reads. */
const FILE_OPTIONS: Readonly<Record<string, string>> = {
  f: '-f reads patterns from a file', r: '-r searches directories', R: '-R searches directories',
  d: '-d chooses how directories are read', D: '-D chooses how devices are read',
  file: '--file reads patterns from a file', recursive: '--recursive searches directories',
  'dereference-recursive': '--dereference-recursive searches directories', include: '--include selects files',
  exclude: '--exclude selects files', 'exclude-from': '--exclude-from reads a file',
  'exclude-dir': '--exclude-dir selects directories', directories: '--directories chooses how directories are read',
  devices: '--devices chooses how devices are read',
};

export const MAX_PATTERNS = 32;
export const MAX_PATTERN_LENGTH = 4096;
const MAX_COUNT_LIMIT = 1_000_000_000;

export interface GrepQuery {
  /** In the order given; grep resolves -E/-F/-G conflicts itself (the last one wins). */
  readonly flags: readonly GrepFlag[];
  readonly maxCount?: number;
  readonly patterns: readonly string[];
}

export class GrepArgsError extends Error {
  override name = 'GrepArgsError';
}

const ALLOWED_HELP = 'allowed: -E -F -G -i -v -w -x -c -n -m NUM -e PATTERN';

/** Parses grep options and patterns (no file operands: a node searches its own log directory). Throws GrepArgsError. */
export function parseGrepArgs(argv: readonly string[]): GrepQuery {
  const flags: GrepFlag[] = [];
  const explicit: string[] = [];
  const operands: string[] = [];
  let maxCount: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = (name: string): string => {
      if (i + 1 >= argv.length) throw new GrepArgsError(`option ${name} needs an argument`);
      return argv[++i]!;
    };
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (FILE_OPTIONS[name]) throw new GrepArgsError(`refused: ${FILE_OPTIONS[name]}; dgrep searches only each node's log directory`);
      const flag = LONG_FLAGS[name];
      if (flag && inline === undefined) flags.push(flag);
      else if (name === 'regexp') explicit.push(inline ?? next(arg));
      else if (name === 'max-count') maxCount = parseMaxCount(inline ?? next(arg));
      else throw new GrepArgsError(`unknown or unsupported option ${arg} (${ALLOWED_HELP})`);
      continue;
    }
    if (arg.length < 2 || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    // A bundle of short options: flags until one that takes an argument, which takes the rest or the next word.
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j]!;
      if ((FLAGS as readonly string[]).includes(c)) {
        flags.push(c as GrepFlag);
      } else if (c === 'e' || c === 'm') {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : next(`-${c}`);
        if (c === 'e') explicit.push(value);
        else maxCount = parseMaxCount(value);
        break;
      } else if (FILE_OPTIONS[c]) {
        throw new GrepArgsError(`refused: ${FILE_OPTIONS[c]}; dgrep searches only each node's log directory`);
      } else {
        throw new GrepArgsError(`unknown or unsupported option -${c} (${ALLOWED_HELP})`);
      }
    }
  }
  // As in grep: without -e the first operand is the pattern; any other operand would name a file.
  const patterns = explicit.length > 0 ? explicit : operands.splice(0, 1);
  if (operands.length > 0) {
    throw new GrepArgsError(`refused: file operand ${JSON.stringify(operands[0])}; dgrep searches only each node's log directory`);
  }
  if (patterns.length === 0) throw new GrepArgsError('no pattern given');
  if (patterns.length > MAX_PATTERNS) throw new GrepArgsError(`at most ${MAX_PATTERNS} patterns`);
  for (const p of patterns) {
    if (p.length > MAX_PATTERN_LENGTH) throw new GrepArgsError(`a pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    if (p.includes('\0')) throw new GrepArgsError('a pattern contains a NUL character');
  }
  return maxCount === undefined ? { flags, patterns } : { flags, maxCount, patterns };
}

function parseMaxCount(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_COUNT_LIMIT) {
    throw new GrepArgsError(`-m needs a whole number from 0 to ${MAX_COUNT_LIMIT}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** The query back as a canonical argument vector (what the client sends; what `grepArgv` extends on the node). */
export function queryArgs(query: GrepQuery): string[] {
  return [
    ...query.flags.map((f) => `-${f}`),
    ...(query.maxCount === undefined ? [] : ['-m', String(query.maxCount)]),
    ...query.patterns.flatMap((p) => ['-e', p]),
  ];
}

/** The argv for /usr/bin/grep: -H names the file on every line; patterns only ever follow -e, so one starting with
 *  `-` stays a pattern, and `--` ends the options before the file names. */
export function grepArgv(query: GrepQuery, files: readonly string[]): string[] {
  return ['-H', ...queryArgs(query), '--', ...files];
}
