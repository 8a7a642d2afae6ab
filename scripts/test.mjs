#!/usr/bin/env node
// Runs every test: builds the workspace, compiles the official releases from
// ../shared/codesets into a test home (once; reused while the files are
// unchanged), then runs node:test over every compiled *.test.js file.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('npx', ['tsc', '-b']);
// the web app (served by the server; the browser tests use the build)
run('npm', ['run', 'build', '--silent', '-w', '@medcoder/web']);

const home = process.env.MEDCODER_TEST_HOME ?? join(root, '.cache', 'test-home');
console.log(`# test home: ${home}`);
run('node', ['packages/cli/dist/main.js', 'codesets', 'import', '--quiet'], { MEDCODER_HOME: home });

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dist = join(root, 'packages', pkg, 'dist');
  try { walk(dist); } catch { /* package without a build */ }
}
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
console.log(`# ${selected.length} test files`);
const r = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'count-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...selected,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MEDCODER_HOME: home, MEDCODER_TEST_HOME: home } },
);
process.exit(r.status ?? 1);
