#!/usr/bin/env node
// The `hearsay` command: runs the TypeScript sources through tsx, so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../node-runtime/cli/main.ts');
