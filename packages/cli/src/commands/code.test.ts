import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function medcoder(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEDCODER_HOME: process.env.MEDCODER_TEST_HOME },
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NOTE = 'Assessment: type 2 diabetes mellitus with chronic kidney disease stage 3a. Denies chest pain.\n';

test('code FILE|- prints codes with evidence, rationale and suppressed mentions', () => {
  const r = medcoder(['code', '-', '--date', '2026-03-01'], NOTE);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ICD-10-CM FY2026 · outpatient/);
  assert.match(r.stdout, /E11\.22 +0\.\d\d +Type 2 diabetes mellitus with diabetic chronic kidney disease {2}\[first-listed\]/);
  assert.match(r.stdout, /N18\.31 /);
  assert.match(r.stdout, /why: .*(dm-ckd|diabetic chronic kidney disease)/);
  assert.match(r.stdout, /\[type 2 diabetes mellitus with chronic kidney disease\]/);
  assert.match(r.stdout, /Suppressed:\n(.*\n)*? +R07\.9 +Chest pain, unspecified\n +negated: negated \("Denies"\)/);
});

test('code --json is stable JSON', () => {
  const a = medcoder(['code', '-', '--date', '2026-03-01', '--json', '--setting', 'inpatient'], NOTE);
  assert.equal(a.code, 0, a.stderr);
  const j = JSON.parse(a.stdout);
  assert.equal(j.setting, 'inpatient');
  assert.equal(j.release.id, 'icd10cm-2026');
  assert.equal(j.codes[0].code, 'E11.22');
  assert.equal(j.codes[0].sequence, 'principal');
  assert.deepEqual(Object.keys(j.codes[0]).slice(0, 6), ['code', 'title', 'confidence', 'status', 'evidence', 'rationale']);
  const b = medcoder(['code', '-', '--date', '2026-03-01', '--json', '--setting', 'inpatient'], NOTE);
  assert.equal(a.stdout, b.stdout);
});

test('code errors exit 2 with a one-line reason', () => {
  const missing = medcoder(['code', '/nonexistent/note.txt']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^medcoder: cannot read \/nonexistent\/note\.txt: no such file\n$/);
  const binary = medcoder(['code', '-'], Buffer.from([0x00, 0x01, 0x02, 0x41, 0x00]));
  assert.equal(binary.code, 2);
  assert.match(binary.stderr, /^medcoder: the note looks like binary data, not text\n$/);
  const utf8 = medcoder(['code', '-'], Buffer.from([0x41, 0xff, 0xfe, 0x42]));
  assert.equal(utf8.code, 2);
  assert.match(utf8.stderr, /not valid UTF-8/);
  const setting = medcoder(['code', '-', '--setting', 'er'], NOTE);
  assert.equal(setting.code, 2);
  assert.match(setting.stderr, /--setting must be outpatient, inpatient/);
});

test('code --batch codes every .txt of a folder in file order, TSV or JSONL, progress on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medcoder-batch-'));
  try {
    writeFileSync(join(dir, 'b.txt'), 'Acute appendicitis.\n');
    writeFileSync(join(dir, 'a.txt'), NOTE);
    writeFileSync(join(dir, 'c.txt'), 'No complaints today.\n');
    writeFileSync(join(dir, 'skip.md'), 'pneumonia');
    const r = medcoder(['code', '--batch', dir, '--date', '2026-03-01', '--jobs', '2']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'a\tE11.22');
    assert.ok(lines.includes('a\tN18.31'));
    assert.ok(lines.some((l) => /^b\tK35\.80$/.test(l)), r.stdout);
    assert.ok(!lines.some((l) => l.startsWith('c\t') || l.startsWith('skip')));
    assert.ok(lines.findIndex((l) => l.startsWith('b\t')) > lines.findIndex((l) => l.startsWith('a\t')));
    assert.match(r.stderr, /coded 3\/3 notes/);
    const out = join(dir, 'out.jsonl');
    const j = medcoder(['code', '--batch', dir, '--date', '2026-03-01', '--format', 'jsonl', '--out', out]);
    assert.equal(j.code, 0, j.stderr);
    const docs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(docs.map((d) => d.doc_id), ['a', 'b', 'c']);
    assert.equal(docs[0].codes[0].code, 'E11.22');
    const kind = medcoder(['code', '--batch', dir, '--kind', 'everything']);
    assert.equal(kind.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eval codiesp prints MAP and micro precision/recall/F1 on codes and categories', () => {
  const r = medcoder(['eval', 'codiesp', '--split', 'dev', '--limit', '15', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.documents, 15);
  assert.equal(j.release.label, 'ICD-10-CM FY2018');
  for (const x of [j.map, j.codes.precision, j.codes.recall, j.codes.f1, j.categories.f1]) assert.ok(x > 0.1 && x <= 1, String(x));
  const human = medcoder(['eval', 'codiesp', '--split', 'dev', '--limit', '5']);
  assert.match(human.stdout, /MAP \(official metric\) +0\.\d{3}/);
  assert.match(human.stdout, /codes +P 0\.\d{3} +R 0\.\d{3} +F1 0\.\d{3}/);
  const bad = medcoder(['eval', 'codiesp', '--split', 'test']);
  assert.equal(bad.code, 2);
});

test('eval codiesp --breakdown accounts for every gold code and bounds MAP by its candidates', () => {
  const r = medcoder(['eval', 'codiesp', '--split', 'dev', '--limit', '15', '--breakdown', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const f = j.goldFate;
  const suppressed = Object.values(f.suppressed as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.equal(f.suggested + suppressed + f.sibling + f.absent, f.gold);
  // Scoring found as many of the gold codes as the breakdown calls suggested.
  assert.equal(f.suggested, j.codes.truePositives);
  assert.ok(j.map <= f.ceiling.suggested + 1e-3 && f.ceiling.suggested <= f.ceiling.candidates, JSON.stringify(f.ceiling));
  const human = medcoder(['eval', 'codiesp', '--split', 'dev', '--limit', '5', '--breakdown']);
  assert.match(human.stdout, /where the \d+ gold codes went:/);
  assert.match(human.stdout, /best MAP a perfect ranking reaches: 0\.\d{3} over the suggestions/);
  const procedures = medcoder(['eval', 'codiesp', '--task', 'P', '--breakdown']);
  assert.equal(procedures.code, 2);
  assert.match(procedures.stderr, /--breakdown is for task D/);
});
