import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importReleases } from './import.js';
import { readManifests, releasesDir } from './store.js';
import { CodeSets } from './registry.js';
import { sharedCodesets } from '../testing/home.js';
import { MedcoderError } from '../errors.js';
import '../modules.js';

async function gunzipText(path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(path).pipe(createGunzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const tabular2021 = () => gunzipText(join(sharedCodesets(), 'icd10cm/FY2021-January-update/icd10cm_tabular_2021.xml.gz'));
const order2021 = () => gunzipText(join(sharedCodesets(), 'icd10cm/FY2021-January-update/icd10cm-order-Jan-2021.txt.gz'));

async function tmp(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `medcoder-${prefix}-`));
}

async function leftovers(home: string): Promise<string[]> {
  return (await readdir(releasesDir(home)).catch(() => [] as string[])).filter((n) => n.startsWith('.'));
}

test('a truncated tabular fails naming file, line and element, and writes no release', async () => {
  const src = await tmp('src');
  const home = await tmp('home');
  const xml = await tabular2021();
  await writeFile(join(src, 'tabular.xml'), xml.slice(0, 400_000));
  await assert.rejects(importReleases({ from: [src], home }), (e: unknown) => {
    assert.ok(e instanceof MedcoderError);
    assert.equal(e.code, 'SOURCE_MALFORMED');
    assert.equal(e.details.file, 'tabular.xml');
    assert.equal(typeof e.details.line, 'number');
    assert.ok((e.details.line as number) > 1000);
    assert.ok(typeof e.details.element === 'string');
    assert.match(e.message, /^tabular\.xml: line \d+, column \d+, in <\w+>/);
    return true;
  });
  assert.deepEqual(await readManifests(home), []);
  assert.deepEqual(await leftovers(home), []);
});

test('malformed XML in the middle fails and leaves an earlier release untouched', async () => {
  const src = await tmp('src');
  const home = await tmp('home');
  // First a good release from a real order file.
  await writeFile(join(src, 'icd10cm-order-Jan-2021.txt'), await order2021());
  const first = await importReleases({ from: [src], home });
  assert.deepEqual(first.releases.map((r) => r.id), ['icd10cm-2021-jan']);
  const before = await readFile(join(releasesDir(home), 'icd10cm-2021-jan', 'manifest.json'), 'utf8');
  // Then the same folder with a broken tabular beside it.
  const xml = await tabular2021();
  const at = xml.indexOf('<name>E11.22</name>');
  await writeFile(join(src, 'icd10cm_tabular_2021.xml'), `${xml.slice(0, at)}<name>E11.22</nam>${xml.slice(at + 19)}`);
  await assert.rejects(importReleases({ from: [src], home }), (e: unknown) => {
    assert.ok(e instanceof MedcoderError);
    assert.equal(e.code, 'SOURCE_MALFORMED');
    assert.equal(e.details.file, 'icd10cm_tabular_2021.xml');
    assert.ok(['diag', 'name'].includes(e.details.element as string), String(e.details.element));
    assert.equal(e.details.line, xml.slice(0, at).split('\n').length);
    assert.match(e.message, /unexpected close tag/);
    return true;
  });
  assert.equal(await readFile(join(releasesDir(home), 'icd10cm-2021-jan', 'manifest.json'), 'utf8'), before);
  assert.deepEqual(await leftovers(home), []);
});

test('unknown files are skipped with a note; release years come from content first, then names', async () => {
  const src = await tmp('src');
  const home = await tmp('home');
  await mkdir(join(src, 'FY2027'));
  await writeFile(join(src, 'README.txt'), 'hello, these are my files\nnothing to see\nreally\n');
  await writeFile(join(src, 'FY2027', 'notes.csv'), 'a,b\n1,2\n3,4\n');
  // A tabular whose content says 2027 under a name that says nothing.
  const xml = (await tabular2021()).replace('<version>2021</version>', '<version>2027</version>');
  await writeFile(join(src, 'FY2027', 'tabular.xml'), xml);
  const report = await importReleases({ from: [src], home });
  assert.deepEqual(report.releases.map((r) => r.id), ['icd10cm-2027']);
  assert.ok(report.skipped.some((s) => s.path === 'README.txt' && /not a release file/.test(s.note)));
  assert.ok(report.skipped.some((s) => s.path === 'FY2027/notes.csv'));
  const cs = await CodeSets.open({ home });
  const v = await cs.validate('icd10cm', 'E11.22', { date: '2027-03-01' });
  assert.equal(v.valid, true);
  assert.equal(v.release.label, 'ICD-10-CM FY2027');
  // Importing again changes nothing.
  const again = await importReleases({ from: [src], home });
  assert.equal(again.releases[0]?.status, 'unchanged');
});

test('an empty or missing folder says what to download', async () => {
  const home = await tmp('home');
  await assert.rejects(importReleases({ from: [join(home, 'nope')], home }), { code: 'NO_RELEASES_FOUND' });
  await assert.rejects(importReleases({ from: [], home }), (e: unknown) => {
    assert.ok(e instanceof MedcoderError);
    assert.match(e.message, /cdc\.gov/);
    assert.match(e.message, /cms\.gov/);
    return true;
  });
});

test('two imports into one home at once wait for each other', async () => {
  const src = await tmp('src');
  const home = await tmp('home');
  await writeFile(join(src, 'icd10cm-order-Jan-2021.txt'), await order2021());
  const [a, b] = await Promise.all([importReleases({ from: [src], home }), importReleases({ from: [src], home })]);
  assert.deepEqual([a.releases[0]?.status, b.releases[0]?.status].sort(), ['compiled', 'unchanged']);
  assert.deepEqual((await readManifests(home)).map((m) => m.id), ['icd10cm-2021-jan']);
  assert.deepEqual(await leftovers(home), []);
});
