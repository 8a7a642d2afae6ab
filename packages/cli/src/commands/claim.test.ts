import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { x12Examples } from '../../../engine/dist/testing/x12-examples.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = join(HERE, '..', 'main.js');
const FIXTURES = join(HERE, '..', '..', '..', 'engine', 'src', 'x12', 'fixtures');

function medcoder(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'medcoder-claim-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('claim --format 837p -o FILE writes an 837P; claim parse reads it back', () =>
  withTmp(async (dir) => {
    const out = join(dir, 'visit.edi');
    const w = medcoder(['claim', join(FIXTURES, 'multi-line.json'), '--format', '837p', '-o', out, '--control-number', '12', '--usage', 'T']);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /wrote 837P with 1 claim \(\d+ segments\)/);
    const text = await readFile(out, 'utf8');
    assert.match(text, /^ISA\*00\*/);
    assert.match(text, /ST\*837\*0012\*005010X222A1~/);
    const p = medcoder(['claim', 'parse', out, '--json']);
    assert.equal(p.code, 0, p.stdout + p.stderr);
    const j = JSON.parse(p.stdout);
    assert.equal(j.guide, '837P');
    assert.equal(j.claims[0].id, 'RBO-88213');
    assert.equal(j.claims[0].lines.length, 6);
    assert.deepEqual(j.preflight.map((x: { ok: boolean }) => x.ok), [true]);
    const human = medcoder(['claim', 'parse', out]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /claim RBO-88213 {2}professional {2}patient Bennett, Noah/);
    assert.match(human.stdout, /pre-flight: ready/);
  }));

test('claim --format 837i prints the file on stdout, one segment a line', () => {
  const r = medcoder(['claim', join(FIXTURES, 'inpatient.json'), '--format', '837i']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ISA\*/);
  assert.match(r.stdout, /\nHI\*BBR:0SR9019:D8:20260804~\n/);
});

test('claim parse on a worked example lists the claim and what pre-flight finds (exit 1)', () => {
  const ex = x12Examples().find((e) => e.name.includes('commercial-health-insurance'))!;
  const r = medcoder(['claim', 'parse', ex.path]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /837P \(1 transaction, 1 claim\)/);
  assert.match(r.stdout, /envelope: control numbers and counts agree/);
  assert.match(r.stdout, /line 1: 99213 {2}1 UN {2}40\.00 {2}2006-10-03 {2}dx 1/);
  assert.match(r.stdout, /providers\.billing\.address\.postalCode: .*ZIP\+4/);
});

test('claim --format cms1500 -o FILE writes a PDF; --format fhir prints a Claim resource', () =>
  withTmp(async (dir) => {
    const pdf = join(dir, 'claim.pdf');
    const r = medcoder(['claim', join(FIXTURES, 'office-visit.json'), '--format', 'cms1500', '-o', pdf, '--date', '2026-11-20']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readFile(pdf)).subarray(0, 5).toString(), '%PDF-');
    const f = medcoder(['claim', join(FIXTURES, 'outpatient-facility.json'), '--format', 'fhir', '--date', '2026-11-20']);
    assert.equal(f.code, 0, f.stderr);
    const j = JSON.parse(f.stdout);
    assert.equal(j.resourceType, 'Claim');
    assert.equal(j.created, '2026-11-20');
    assert.equal(j.type.coding[0].code, 'institutional');
  }));

test('a claim that fails pre-flight: each problem by path on stderr, exit 1, no file', () =>
  withTmp(async (dir) => {
    const claim = JSON.parse(await readFile(join(FIXTURES, 'office-visit.json'), 'utf8'));
    claim.providers.billing.address.postalCode = '62703';
    claim.lines[0].diagnosisPointers = [1, 5];
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(claim));
    const out = join(dir, 'bad.edi');
    const r = medcoder(['claim', file, '--format', '837p', '-o', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error LFM-20261014-0007 providers\.billing\.address\.postalCode: /);
    assert.match(r.stderr, /lines\[0\]\.diagnosisPointers\[1\]/);
    assert.match(r.stderr.trim().split('\n').at(-1)!, /^medcoder: claim LFM-20261014-0007 is not ready for 837P/);
    await assert.rejects(readFile(out));
  }));

test('usage errors exit 2 with a one-line reason', () =>
  withTmp(async (dir) => {
    const notX12 = join(dir, 'note.txt');
    await writeFile(notX12, 'just a note');
    for (const args of [
      ['claim', join(FIXTURES, 'office-visit.json')],
      ['claim', join(FIXTURES, 'office-visit.json'), '--format', 'ub04'],
      ['claim', join(dir, 'missing.json'), '--format', '837p'],
      ['claim', 'parse', notX12],
      ['claim', join(FIXTURES, 'inpatient.json'), '--format', 'cms1500', '-o', join(dir, 'x.pdf')],
    ]) {
      const r = medcoder(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^medcoder: /);
    }
  }));
