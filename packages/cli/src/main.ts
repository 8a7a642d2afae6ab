#!/usr/bin/env node
import { run } from './program.js';

run(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`medcoder: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
