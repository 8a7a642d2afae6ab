import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMedcoderError } from '../errors.js';
import { readAll, type SourceEntry } from '../sources/entry.js';
import { walkSources } from '../sources/walk.js';
import { sharedCodesets } from '../testing/home.js';
import type { CompiledIndexFile, CompiledTerm, IndexKind } from './alphabetic-index.js';
import { assembleTitle, countEntries, parseIndexFile } from './index-files.js';

// The parser on the official files themselves (no compiled home needed).

const FY2017 = 'icd10cm/FY2017';
const APR2026 = 'icd10cm/FY2026-April-update';

async function source(dir: string, name: RegExp): Promise<SourceEntry> {
  const { entries } = await walkSources(join(sharedCodesets(), dir));
  const e = entries.find((x) => name.test(x.name));
  if (!e) throw new Error(`no file matching ${name} in ${dir}`);
  return e;
}

const parsed = new Map<string, Promise<{ entry: SourceEntry; data: CompiledIndexFile; notes: string[] }>>();
function parse(dir: string, name: RegExp, kind: IndexKind) {
  const key = `${dir}:${name.source}`;
  let p = parsed.get(key);
  if (!p) {
    p = (async () => {
      const entry = await source(dir, name);
      const r = await parseIndexFile(entry, kind);
      return { entry, ...r };
    })();
    parsed.set(key, p);
  }
  return p;
}

const FILES: Array<[string, RegExp, IndexKind]> = [
  [FY2017, /^icd10cm_index_2017\.xml$/, 'index'],
  [FY2017, /^icd10cm_neoplasm_2017\.xml$/, 'neoplasm'],
  [FY2017, /^icd10cm_drug_2017\.xml$/, 'drug'],
  [FY2017, /^icd10cm_eindex_2017\.xml$/, 'eindex'],
  [APR2026, /neoplasm.*\.xml$/, 'neoplasm'],
  [APR2026, /drug.*\.xml$/, 'drug'],
  [APR2026, /eindex.*\.xml$/, 'eindex'],
];

function findTerm(terms: CompiledTerm[], path: string[]): CompiledTerm | undefined {
  const [head, ...rest] = path;
  const t = terms.find((x) => x.t === head);
  if (!t || rest.length === 0) return t;
  return findTerm(t.k ?? [], rest);
}
const allMain = (d: CompiledIndexFile) => d.letters.flatMap((l) => l.k);

test('every mainTerm and term element of each index file is compiled, none twice', async () => {
  for (const [dir, name, kind] of FILES) {
    const { entry, data, notes } = await parse(dir, name, kind);
    const text = (await readAll(entry)).toString('utf8');
    const mainTerms = text.match(/<mainTerm[\s>]/g)?.length ?? 0;
    const terms = text.match(/<term[\s>]/g)?.length ?? 0;
    const cells = text.match(/<cell[\s>]/g)?.length ?? 0;
    const codes = text.match(/<code>/g)?.length ?? 0;
    const counted = countEntries(data);
    assert.equal(counted.mainTerms, mainTerms, `${entry.path} main terms`);
    assert.equal(counted.terms, terms, `${entry.path} terms`);
    assert.equal(counted.codes, codes, `${entry.path} codes`);
    assert.deepEqual(data.counts, { mainTerms, terms, cells }, entry.path);
    const filled = text.match(/<cell col="\d+">(?!-+<)[^<]+<\/cell>/g)?.length ?? 0;
    assert.equal(counted.filledCells, filled, `${entry.path} cells with a code`);
    assert.deepEqual(notes, [], `${entry.path} reads without remarks`);
    assert.equal(data.kind, kind);
    assert.equal(data.letters.length, text.match(/<letter>/g)?.length);
  }
});

test('the 2017 Alphabetic Index has 7,973 main terms and 69,226 terms', async () => {
  const { data } = await parse(FY2017, /^icd10cm_index_2017\.xml$/, 'index');
  assert.deepEqual(data.counts, { mainTerms: 7973, terms: 69226, cells: 0 });
  assert.equal(data.version, 2017);
  assert.equal(data.title, 'ICD-10-CM INDEX TO DISEASES and INJURIES');
  assert.equal(data.columns, undefined);
  assert.deepEqual(data.letters.map((l) => l.t).join(''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
});

test('Diabetes: title without its modifiers, the modifiers, code and nested subterms', async () => {
  const { data } = await parse(FY2017, /^icd10cm_index_2017\.xml$/, 'index');
  const d = findTerm(allMain(data), ['Diabetes, diabetic']);
  assert.ok(d);
  assert.deepEqual(d.n, ['(mellitus) (sugar)']);
  assert.equal(d.c, 'E11.9');
  assert.equal(d.f, undefined, 'a trailing modifier needs no printed form');
  const ckd = findTerm(allMain(data), ['Diabetes, diabetic', 'type 2', 'with', 'chronic kidney disease']);
  assert.equal(ckd?.c, 'E11.22');
  assert.equal(ckd?.l, undefined, 'levels equal to the nesting depth are implied');
});

test('a modifier inside a title is cut out and kept in the printed form', async () => {
  const { data } = await parse(FY2017, /^icd10cm_index_2017\.xml$/, 'index');
  const hits: CompiledTerm[] = [];
  const visit = (t: CompiledTerm) => {
    if (t.t === 'autonomic neuropathy') hits.push(t);
    t.k?.forEach(visit);
  };
  allMain(data).forEach(visit);
  assert.ok(hits.length >= 1);
  for (const t of hits) {
    assert.deepEqual(t.n, ['(poly)']);
    assert.equal(t.f, 'autonomic (poly)neuropathy');
  }
});

test('manif, see, seeAlso, seecat and subcat are kept', async () => {
  const { data } = await parse(FY2017, /^icd10cm_index_2017\.xml$/, 'index');
  const amyloid = findTerm(allMain(data), ['Amyloid heart']);
  assert.deepEqual([amyloid?.c, amyloid?.m, amyloid?.n], ['E85.4', 'I43', ['(disease)']]);
  assert.equal(findTerm(allMain(data), ['Abandonment'])?.s, 'Maltreatment');
  assert.equal(findTerm(allMain(data), ['Abdomen, abdominal'])?.a, 'condition');
  let seecat = 0;
  let subcat = 0;
  const visit = (t: CompiledTerm) => {
    if (t.sc) seecat++;
    if (t.sb) subcat++;
    t.k?.forEach(visit);
  };
  allMain(data).forEach(visit);
  assert.equal(seecat, 15);
  assert.equal(subcat, 130);
});

test('neoplasm table: column names from the headings, cells in their columns, "-" as none', async () => {
  const { data } = await parse(FY2017, /^icd10cm_neoplasm_2017\.xml$/, 'neoplasm');
  assert.deepEqual(data.columns, ['Neoplasm', 'Malignant Primary', 'Malignant Secondary', 'Ca in situ', 'Benign', 'Uncertain Behavior', 'Unspecified Behavior']);
  const main = allMain(data);
  assert.equal(main.length, 1);
  const abdomen = findTerm(main, ['Neoplasm, neoplastic', 'abdomen, abdominal']);
  assert.deepEqual(abdomen?.v, [null, 'C76.2', 'C79.8-', 'D09.8', 'D36.7', 'D48.7', 'D49.89']);
  const connective = findTerm(main, ['Neoplasm, neoplastic', 'abdomen, abdominal', 'wall', 'connective tissue']);
  assert.equal(connective?.v?.[3], null);
  assert.equal(connective?.v?.[1], 'C49.4');
});

test('drug table: the six columns of a substance in the 2017 and the April 2026 files', async () => {
  const d17 = await parse(FY2017, /^icd10cm_drug_2017\.xml$/, 'drug');
  const d26 = await parse(APR2026, /drug.*\.xml$/, 'drug');
  // Column names are the files' own headings, which changed between the years.
  assert.deepEqual(d17.data.columns, ['Substance', 'Poisoning, Accidental (unintentional)', 'Poisoning, Intentional self-harm', 'Poisoning, Assault', 'Poisoning, Undetermined', 'Adverse effect', 'Underdosing']);
  assert.deepEqual(d26.data.columns, ['Substance', 'Poisoning Accidental (unintentional)', 'Poisoning Intentional self-harm', 'Poisoning Assault', 'Poisoning Undetermined', 'Adverse effect', 'Underdosing']);
  assert.equal(d26.data.version, 2026);
  for (const d of [d17, d26]) {
    assert.deepEqual(findTerm(allMain(d.data), ['Acetaminophen'])?.v, [null, 'T39.1X1', 'T39.1X2', 'T39.1X3', 'T39.1X4', 'T39.1X5', 'T39.1X6']);
    assert.deepEqual(findTerm(allMain(d.data), ['1-propanol'])?.v, [null, 'T51.3X1', 'T51.3X2', 'T51.3X3', 'T51.3X4', null, null], '"--" is no code');
  }
  assert.equal(findTerm(allMain(d17.data), ['Fluoroquinolone antibiotics']), undefined);
  assert.deepEqual(findTerm(allMain(d26.data), ['Fluoroquinolone antibiotics'])?.v, [null, 'T36.AX1', 'T36.AX2', 'T36.AX3', 'T36.AX4', 'T36.AX5', 'T36.AX6']);
});

test('external cause index: codes, modifiers before NEC, see redirects', async () => {
  const { data } = await parse(FY2017, /^icd10cm_eindex_2017\.xml$/, 'eindex');
  assert.equal(data.title, 'ICD-10-CM External Cause of Injuries Index');
  const main = allMain(data);
  const abandonment = main[0]!;
  assert.equal(abandonment.t, 'Abandonment NEC');
  assert.deepEqual(abandonment.n, ['(causing exposure to weather conditions) (with intent to injure or kill)']);
  assert.equal(abandonment.f, 'Abandonment (causing exposure to weather conditions) (with intent to injure or kill) NEC');
  assert.equal(abandonment.c, 'X58');
  assert.equal(findTerm(main, ['Accident', 'bare foot water skiier'])?.c, 'V94.4');
  assert.equal(findTerm(main, ['Accident', 'automobile'])?.s, 'Accident, transport, car occupant');
});

test('assembleTitle: spacing around cut-out modifiers', () => {
  const cut = (before: string, nemod: string, after: string) => assembleTitle(before + after, [before.length], [nemod]);
  assert.deepEqual(cut('autonomic', '(poly)', 'neuropathy'), { title: 'autonomic neuropathy', printed: 'autonomic (poly)neuropathy' });
  assert.deepEqual(cut('amphetamine', '(or other stimulant)', '-induced'), { title: 'amphetamine-induced', printed: 'amphetamine (or other stimulant)-induced' });
  assert.deepEqual(cut('Air contaminant', '(s)', ', source/type NOS'), { title: 'Air contaminant, source/type NOS', printed: 'Air contaminant(s), source/type NOS' });
  assert.deepEqual(cut('cephal', '(o)', 'hematocele'), { title: 'cephalhematocele', printed: 'cephal(o)hematocele' });
  assert.deepEqual(cut('', '(gastro)', 'enteritis'), { title: 'enteritis', printed: '(gastro)enteritis' });
  assert.deepEqual(cut('', '(L)', '-triiodothyronine'), { title: 'triiodothyronine', printed: '(L)-triiodothyronine' });
  assert.deepEqual(cut('Henoch-', '(Schönlein)', ' purpura'), { title: 'Henoch purpura', printed: 'Henoch-(Schönlein) purpura' });
  assert.deepEqual(cut('Abasia', '(-astasia) (hysterical)', ''), { title: 'Abasia', printed: 'Abasia (-astasia) (hysterical)' });
  assert.deepEqual(assembleTitle('  plain\n  title ', [], []), { title: 'plain title', printed: 'plain title' });
});

async function withTempFile<T>(name: string, content: string | Buffer, fn: (entry: SourceEntry) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'medcoder-index-'));
  try {
    await writeFile(join(dir, name), content);
    const { entries } = await walkSources(dir);
    return await fn(entries[0]!);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a truncated index file fails with SOURCE_MALFORMED naming the file, line and element', async () => {
  const entry = await source(FY2017, /^icd10cm_index_2017\.xml$/);
  const full = await readAll(entry);
  // Cut in the middle of a line, well inside the letter A.
  const cut = full.subarray(0, 200_003);
  const lines = cut.toString('utf8').split('\n').length;
  await withTempFile('icd10cm_index_2017.xml', cut, async (e) => {
    await assert.rejects(parseIndexFile(e, 'index'), (err: unknown) => {
      assert.ok(isMedcoderError(err));
      assert.equal(err.code, 'SOURCE_MALFORMED');
      assert.equal(err.details.file, 'icd10cm_index_2017.xml');
      assert.equal(err.details.line, lines);
      assert.ok(typeof err.details.element === 'string');
      assert.match(err.message, new RegExp(`^icd10cm_index_2017\\.xml: line ${lines}, column \\d+, in <\\w+>`));
      return true;
    });
  });
});

test('a mismatched tag fails at its line', async () => {
  const xml = ['<?xml version="1.0"?>', '<ICD10CM.index>', '<version>2017</version>', '<letter><title>A</title>', '<mainTerm><title>Abc</title><code>A00</mainTerm>', '</letter>', '</ICD10CM.index>'].join('\n');
  await withTempFile('broken.xml', xml, async (e) => {
    await assert.rejects(parseIndexFile(e, 'index'), (err: unknown) => {
      assert.ok(isMedcoderError(err));
      assert.equal(err.code, 'SOURCE_MALFORMED');
      assert.equal(err.details.file, 'broken.xml');
      assert.equal(err.details.line, 5);
      return true;
    });
  });
});

test('an entry without a title fails at its line; a table without headings is refused', async () => {
  const noTitle = ['<ICD10CM.index>', '<letter><title>A</title>', '<mainTerm><title>Abc</title>', '<term level="1"><code>A00</code></term>', '</mainTerm></letter>', '</ICD10CM.index>'].join('\n');
  await withTempFile('notitle.xml', noTitle, async (e) => {
    await assert.rejects(parseIndexFile(e, 'index'), (err: unknown) => {
      assert.ok(isMedcoderError(err));
      assert.equal(err.code, 'SOURCE_MALFORMED');
      assert.equal(err.details.line, 4);
      assert.equal(err.details.element, 'term');
      assert.match(err.message, /without a <title>/);
      return true;
    });
  });
  const noHeads = ['<ICD10CM.index>', '<letter><title>A</title>', '<mainTerm><title>Abc</title><cell col="2">T51.3X1</cell></mainTerm>', '</letter>', '</ICD10CM.index>'].join('\n');
  await withTempFile('noheads.xml', noHeads, async (e) => {
    await assert.rejects(parseIndexFile(e, 'drug'), (err: unknown) => isMedcoderError(err) && err.code === 'SOURCE_MALFORMED' && /indexHeading/.test(err.message));
  });
});

test('unknown elements and repeated single elements are reported, not lost', async () => {
  const xml = [
    '<ICD10CM.index>',
    '<letter><title>A</title>',
    '<mainTerm><title>Abc<nemod>(xx)</nemod> def<nemod>(yy)</nemod></title><code>A00</code><code>A01</code><extra>?</extra></mainTerm>',
    '</letter>',
    '</ICD10CM.index>',
  ].join('\n');
  await withTempFile('odd.xml', xml, async (e) => {
    const { data, notes } = await parseIndexFile(e, 'index');
    const t = data.letters[0]!.k[0]!;
    assert.equal(t.t, 'Abc def');
    assert.deepEqual(t.n, ['(xx)', '(yy)']);
    assert.equal(t.f, 'Abc (xx) def (yy)');
    assert.equal(t.c, 'A00; A01');
    assert.equal(notes.length, 2);
    assert.ok(notes.some((n) => /<extra>/.test(n)));
    assert.ok(notes.some((n) => /repeat <code>/.test(n)));
  });
});
