import '../modules.js';
import { CodeSets } from '../releases/registry.js';
import { defaultReleaseDirs } from '../releases/home.js';

/**
 * The compiled releases the test runner prepared (scripts/test.mjs imports
 * ../shared/codesets into MEDCODER_TEST_HOME before any test runs).
 */
export function testHome(): string {
  const h = process.env.MEDCODER_TEST_HOME ?? process.env.MEDCODER_HOME;
  if (!h) throw new Error('MEDCODER_TEST_HOME is not set: run tests through "npm test"');
  return h;
}

let shared: Promise<CodeSets> | undefined;
export function testCodeSets(): Promise<CodeSets> {
  shared ??= CodeSets.open({ home: testHome() });
  return shared;
}

/** The shared official release folder (../shared/codesets). */
export function sharedCodesets(): string {
  const d = defaultReleaseDirs()[0];
  if (!d) throw new Error('../shared/codesets not found');
  return d;
}
