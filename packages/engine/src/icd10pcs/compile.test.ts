import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { CompileContext, ReleaseGroup } from '../releases/compiler.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { SourceEntry } from '../sources/entry.js';
import type { Detection } from '../sources/detect.js';
import { silentProgress } from '../progress.js';
import { isMedcoderError } from '../errors.js';
import { icd10pcsCompiler } from './compile.js';
import { PCS_DATA_FILE, type PcsCompiled } from './compiled.js';
import { Icd10pcsRelease } from './release.js';

// A tiny release written by hand: one table with two rows whose values
// overlap, so a code can take each value from some row and still be invalid.

const axis = (pos: number, title: string, labels: Array<[string, string]>, definition?: string) =>
  `<axis pos="${pos}" values="${labels.length}"><title>${title}</title>${labels.map(([c, l]) => `<label code="${c}">${l}</label>`).join('')}${definition ? `<definition>${definition}</definition>` : ''}</axis>`;

const row = (codes: number, a4: Array<[string, string]>, a5: Array<[string, string]>, a6: Array<[string, string]>, a7: Array<[string, string]>) =>
  `<pcsRow codes="${codes}">${axis(4, 'Body Part', a4)}${axis(5, 'Approach', a5)}${axis(6, 'Device', a6)}${axis(7, 'Qualifier', a7)}</pcsRow>`;

const TABLES = `<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.tabular><version>2026</version><title>test</title>
<pcsTable>
${axis(1, 'Section', [['0', 'Medical and Surgical']])}${axis(2, 'Body System', [['D', 'Gastrointestinal System']])}${axis(3, 'Operation', [['T', 'Resection']], 'Cutting out or off, without replacement, all of a body part')}
${row(2, [['J', 'Appendix']], [['0', 'Open'], ['8', 'Via Natural or Artificial Opening Endoscopic']], [['Z', 'No Device']], [['Z', 'No Qualifier']])}
${row(2, [['J', 'Appendix']], [['4', 'Percutaneous Endoscopic']], [['Z', 'No Device']], [['G', 'Hand-Assisted'], ['Z', 'No Qualifier']])}
</pcsTable>
<pcsTable>
${axis(1, 'Section', [['0', 'Medical and Surgical']])}${axis(2, 'Body System', [['2', 'Heart and Great Vessels']])}${axis(3, 'Operation', [['H', 'Insertion']])}
${row(2, [['A', 'Heart']], [['0', 'Open'], ['3', 'Percutaneous']], [['M', 'Cardiac Lead']], [['Z', 'No Qualifier']])}
</pcsTable>
</ICD10PCS.tabular>`;

const DEFINITIONS = `<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.definitions><version>2026</version><title>test</title>
<section code="0"><title>Medical and Surgical</title>
<axis pos="3"><title>Operation</title><terms><title>Resection</title><definition>Cutting out or off, without replacement, all of a body part</definition><includes>Total nephrectomy</includes></terms></axis>
<axis pos="4"><title>Body Part</title><terms><title>Appendix</title><includes>Vermiform appendix</includes></terms></axis>
<axis pos="5"><title>Approach</title><terms><title>Open</title><definition>Cutting through the skin</definition></terms></axis>
<axis pos="6"><title>Device</title><terms><title>Cardiac Lead in Heart and Great Vessels</title><includes>Lead, cardiac</includes></terms></axis>
</section>
<deviceAggregation><aggregate><device>Cardiac Lead, Pacemaker</device><operation>Insertion</operation><bodySys>Heart and Great Vessels</bodySys><parent value="M">Cardiac Lead</parent></aggregate></deviceAggregation>
</ICD10PCS.definitions>`;

const ORDER = [
  '00001 0DT     0 Gastrointestinal System, Resection                           Gastrointestinal System, Resection',
  '00002 0DTJ0ZZ 1 Resection of Appendix, Open Approach                         Resection of Appendix, Open Approach',
  '00003 0DTJ4ZG 1 Resect Appendix, Perc Endo, Hand-Assist                      Resection of Appendix, Percutaneous Endoscopic Approach, Hand-Assisted',
  '00004 0DTJ4ZZ 1 Resection of Appendix, Perc Endo Approach                    Resection of Appendix, Percutaneous Endoscopic Approach',
  '00005 0DTJ8ZZ 1 Resection of Appendix, Endo                                  Resection of Appendix, Via Natural or Artificial Opening Endoscopic',
  '00006 0DTJ7ZZ 1 Resection of Appendix, Via Opening                           Resection of Appendix, Via Natural or Artificial Opening',
  '',
].join('\r\n');

function memEntry(path: string, text: string): SourceEntry {
  return { path, name: path, context: '', size: text.length, open: async () => Readable.from([Buffer.from(text, 'latin1')]) };
}

const ctx: CompileContext = {
  progress: silentProgress,
  shared: new Map(),
  existing: [],
  readCompiled: () => Promise.reject(new Error('not used')),
};

function group(sources: Array<[string, string, Detection['kind']]>): ReleaseGroup {
  return {
    key: { system: 'icd10pcs', year: 2026 },
    id: 'icd10pcs-2026',
    sources: sources.map(([path, text, kind]) => ({ entry: memEntry(path, text), detection: { kind, system: 'icd10pcs' } })),
  };
}

function releaseOf(data: PcsCompiled): Icd10pcsRelease {
  const ref = { id: 'icd10pcs-2026', label: 'ICD-10-PCS FY2026', effectiveFrom: '2025-10-01', effectiveTo: '2026-09-30' };
  return new Icd10pcsRelease({ ...ref, format: 1, system: 'icd10pcs', year: 2026, sources: [], counts: {}, files: [], compiledAt: '' } as ReleaseManifest, ref, data);
}

test('compile: tables, definitions and order file; order codes are checked against the tables', async () => {
  const out = await icd10pcsCompiler.compile(
    group([
      ['tables.xml', TABLES, 'icd10pcs.tables'],
      ['definitions.xml', DEFINITIONS, 'icd10pcs.definitions'],
      ['order.txt', ORDER, 'icd10pcs.order'],
    ]),
    ctx,
  );
  assert.equal(out.counts.tables, 2);
  assert.equal(out.counts.codes, 5);
  assert.equal(out.counts.tableCodes, 6);
  // 0DTJ7ZZ is listed by the order file but no row makes it.
  assert.equal(out.counts.orderCodesInTables, 4);
  assert.ok(out.notes?.some((n) => n.includes('0DTJ7ZZ') && n.includes('do not validate')));
  // The heart codes are made by the tables but not listed.
  assert.ok(out.notes?.some((n) => n.includes('02HA0MZ') && n.includes('not valid codes in the order file')));
  assert.deepEqual(out.files['valid.json'], ['0DTJ0ZZ', '0DTJ4ZG', '0DTJ4ZZ', '0DTJ7ZZ', '0DTJ8ZZ']);

  const data = out.files[PCS_DATA_FILE] as PcsCompiled;
  assert.equal(data.tables[1]?.h, 'Gastrointestinal System, Resection');
  assert.equal(data.aggregates[0]?.parent.value, 'M');
  const r = releaseOf(data);
  const d = r.lookup('0DTJ4ZG')!;
  assert.equal(d.title, 'Resection of Appendix, Percutaneous Endoscopic Approach, Hand-Assisted');
  assert.equal(d.shortTitle, 'Resect Appendix, Perc Endo, Hand-Assist');
  assert.deepEqual(d.attributes?.includes, { 3: ['Total nephrectomy'], 4: ['Vermiform appendix'] });
  assert.equal(r.lookup('0DTJ0ZZ')!.axes![4]!.definition, 'Cutting through the skin');

  // Each value of 0DTJ0ZG is allowed by some row, but no row allows them together.
  const v = r.validate('0DTJ0ZG');
  assert.equal(v.valid, false);
  assert.equal(v.reasons[0]?.code, 'AXIS_VALUE_NOT_ALLOWED');
  assert.equal(v.reasons[0]?.position, 7);
  assert.deepEqual(v.reasons[0]?.rows, [1]);
  assert.deepEqual(v.reasons[0]?.allowedInRows, [2]);
  assert.deepEqual(v.suggestions?.[0]?.code, '0DTJ0ZZ');
});

test('compile: tables alone give every code the rows make, with titles built from the axes; device terms match "in <body system>"', async () => {
  const out = await icd10pcsCompiler.compile(group([['tables.xml', TABLES, 'icd10pcs.tables'], ['definitions.xml', DEFINITIONS, 'icd10pcs.definitions']]), ctx);
  assert.equal(out.counts.codes, 6);
  const r = releaseOf(out.files[PCS_DATA_FILE] as PcsCompiled);
  assert.equal(r.lookup('0DTJ4ZG')!.title, 'Resection of Appendix, Percutaneous Endoscopic Approach, Hand-Assisted');
  assert.equal(r.lookup('0DTJ4ZG')!.attributes?.titleBuiltFromAxes, true);
  const heart = r.lookup('02HA3MZ')!;
  assert.equal(heart.title, 'Insertion of Heart with Cardiac Lead, Percutaneous Approach');
  assert.deepEqual(heart.attributes?.includes, { 6: ['Lead, cardiac'] });
  assert.equal(r.validate('0DTJ7ZZ').valid, false);
});

test('compile: structural errors in the tables are SOURCE_MALFORMED naming the table', async () => {
  const wrongCount = TABLES.replace('<pcsRow codes="2">', '<pcsRow codes="3">');
  await assert.rejects(
    icd10pcsCompiler.compile(group([['tables.xml', wrongCount, 'icd10pcs.tables']]), ctx),
    (e: unknown) => isMedcoderError(e) && e.code === 'SOURCE_MALFORMED' && /0DT/.test(e.message) && /3 codes/.test(e.message),
  );
  await assert.rejects(
    icd10pcsCompiler.compile(group([['tables.xml', TABLES.slice(0, 900), 'icd10pcs.tables']]), ctx),
    (e: unknown) => isMedcoderError(e) && e.code === 'SOURCE_MALFORMED',
  );
  await assert.rejects(
    icd10pcsCompiler.compile(group([['order.txt', ORDER, 'icd10pcs.order']]), ctx),
    (e: unknown) => isMedcoderError(e) && e.code === 'IMPORT_FAILED' && /code tables/.test(e.message),
  );
});
