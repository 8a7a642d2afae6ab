import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import type { Icd10pcsRelease } from '../icd10pcs/release.js';
import { parseDocument } from '../document/document.js';
import { codeProcedures, openPcsCoder } from './code-procedures.js';
import type { PcsCoder } from './pcs-coder.js';
import { defaultCodiEspDir } from '../coding/codiesp.js';
import { readCodiespDocs } from '../eval/codiesp.js';

const DATE = '2026-03-01';

let coderP: Promise<PcsCoder> | undefined;
async function coder(): Promise<PcsCoder> {
  coderP ??= testCodeSets().then(async (cs) => (await openPcsCoder(cs, DATE)).coder);
  return coderP;
}

/** Every code a build returns is made by a row of the tables; complete ones are valid codes. */
function assertValid(release: Icd10pcsRelease, code: string): void {
  if (code.length === 7) {
    const m = release.matchTables(code);
    assert.equal(m?.kind, 'row', `${code} is made by a table row`);
    assert.ok(release.isValid(code), `${code} is a valid code`);
  } else {
    assert.ok(release.nextValues(code), `${code} is a valid prefix`);
  }
}

async function codesOf(text: string): Promise<string[]> {
  const c = await coder();
  const out = c.phrase(text);
  for (const s of out) assertValid(c.release, s.code);
  return out.map((s) => s.code);
}

// A dozen common inpatient procedures, written as an operative note would name them.
const CASES: Array<[string, string]> = [
  ['Procedure: Laparoscopic appendectomy.', '0DTJ4ZZ'],
  ['Procedure: Open appendectomy through a McBurney incision.', '0DTJ0ZZ'],
  ['Procedure: Laparoscopic cholecystectomy.', '0FT44ZZ'],
  ['Colonoscopy with biopsy of the sigmoid colon.', '0DBN8ZX'],
  ['Percutaneous coronary intervention: PTCA of the right coronary artery with placement of one drug-eluting stent.', '027034Z'],
  ['Right total hip arthroplasty with a cemented metal-on-polyethylene prosthesis.', '0SR9029'],
  ['Right total hip replacement, cemented.', '0SR90J9'],
  ['Low transverse cesarean section, delivery of a live female infant.', '10D00Z1'],
  ['The patient remained on mechanical ventilation for 5 days.', '5A1955Z'],
  ['Mechanical ventilation was required for 36 hours.', '5A1945Z'],
  ['Transfusion of 2 units of packed red blood cells through a peripheral IV.', '30233N1'],
  ['Procedure: cystoscopy.', '0TJB8ZZ'],
  ['Exploratory laparotomy was performed.', '0WJG0ZZ'],
  ['Esophagogastroduodenoscopy (EGD) without biopsy.', '0DJ08ZZ'],
  ['Lumbar puncture for cerebrospinal fluid analysis.', '009U3ZX'],
  ['Orotracheal intubation.', '0BH17EZ'],
  ['Left total knee arthroplasty, uncemented.', '0SRD0JA'],
];

for (const [text, code] of CASES) {
  test(`PCS build: ${text} → ${code}`, async () => {
    assert.ok((await codesOf(text)).includes(code), `${text} → ${(await codesOf(text)).join(', ')}`);
  });
}

test('PCS build: every axis carries a reason, and the code is checked against the table row', async () => {
  const c = await coder();
  const [s] = c.phrase('Procedure: Laparoscopic appendectomy.');
  assert.ok(s);
  assert.equal(s.axes.length, 7);
  for (const a of s.axes) assert.ok(a.reason.length > 0, `axis ${a.pos} has a reason`);
  assert.equal(s.axes[4]!.label, 'Percutaneous Endoscopic');
  assert.equal(s.axes[4]!.evidence?.text, 'Laparoscopic');
  assert.equal(s.title, c.release.lookup('0DTJ4ZZ')!.title);
  assert.equal(s.evidence[0]!.text, 'appendectomy');
});

test('PCS build: a missing approach gives the longest valid prefix, the missing axes and a query', async () => {
  const c = await coder();
  const [s] = c.phrase('Resection of the bladder.');
  assert.ok(s);
  assert.equal(s.code, '0TTB');
  assert.equal(s.complete, false);
  assert.equal(s.missing?.[0]?.title, 'Approach');
  assert.deepEqual(s.missing?.map((m) => m.pos), [5, 6, 7]);
  assert.ok(s.missing![0]!.options.some((o) => o.label === 'Open'));
  assert.match(s.query ?? '', /approach/);
  assertValid(c.release, s.code);
});

test('PCS build: a side not stated stops at the body part with a question about the side', async () => {
  const c = await coder();
  const [s] = c.phrase('Nephrectomy.');
  assert.ok(s);
  assert.equal(s.code, '0TT');
  assert.match(s.query ?? '', /side/);
  const left = c.phrase('Open left nephrectomy.');
  assert.deepEqual(left.map((x) => x.code), ['0TT10ZZ']);
});

test('PCS build: the contrast of an imaging study is asked for, never assumed', async () => {
  const c = await coder();
  const [ct] = c.phrase('CT of the abdomen and pelvis.');
  assert.equal(ct?.code, 'BW21');
  assert.equal(ct?.missing?.[0]?.title, 'Contrast');
  const [plain] = c.phrase('CT of the abdomen without contrast.');
  assert.equal(plain?.code, 'BW20ZZZ');
  const [us] = c.phrase('Abdominal ultrasound.');
  assert.equal(us?.code, 'BW40ZZZ');
});

test('PCS build: both eyes where the table has no bilateral value gives one code per side', async () => {
  const codes = await codesOf('Fundus examination of both eyes was normal.');
  assert.deepEqual(codes.sort(), ['08J0XZZ', '08J1XZZ']);
});

test('PCS build: a compound word codes each organ it removes', async () => {
  const codes = await codesOf('Open radical cystoprostatectomy.');
  assert.ok(codes.includes('0TTB0ZZ') && codes.includes('0VT00ZZ'), codes.join(', '));
});

test('PCS coding of a note: negated, historical and planned procedures are left out', async () => {
  const cs = await testCodeSets();
  const note = [
    'Past surgical history: appendectomy in 1998.',
    '',
    'Hospital course: The patient underwent laparoscopic cholecystectomy on day 2. No transfusion was required.',
    'Plan: colonoscopy is recommended in 6 weeks.',
  ].join('\n');
  const r = await codeProcedures(cs, parseDocument(note), { setting: 'inpatient', date: DATE });
  assert.deepEqual(r.pcs?.codes.map((c) => c.code), ['0FT44ZZ']);
  const all = await codeProcedures(cs, parseDocument(note), { setting: 'inpatient', date: DATE, includeHistory: true, includePlanned: true });
  const codes = all.pcs!.codes.map((c) => c.code);
  assert.ok(codes.includes('0FT44ZZ') && codes.includes('0DJD8ZZ') && codes.some((c) => c.startsWith('0DTJ')), codes.join(', '));
  assert.ok(!codes.some((c) => c.startsWith('302')), 'the negated transfusion is not coded');
  assert.equal(all.pcs!.codes.find((c) => c.code.startsWith('0DTJ'))?.status, 'historical');
});

test('PCS coding: evidence offsets point at the note', async () => {
  const cs = await testCodeSets();
  const note = 'OPERATIVE NOTE\nProcedure: Laparoscopic appendectomy.\nFindings: acute appendicitis.';
  const r = await codeProcedures(cs, note, { setting: 'inpatient', date: DATE });
  const s = r.pcs!.codes[0]!;
  for (const e of s.evidence) assert.equal(note.slice(e.start, e.end), e.text);
});

test('PCS coding: random text never produces a code outside the tables', async () => {
  const c = await coder();
  const words = ['resection', 'left', 'kidney', 'laparoscopic', 'biopsy', 'CT', 'of', 'the', 'colon', 'stent', 'drainage', 'bilateral', 'ultrasound', 'transfusion', 'open', 'hip', 'replacement', 'with', 'mesh', 'repair', 'and', '.', 'cystoscopy', 'MRI', 'brain'];
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i++) {
    const n = 2 + Math.floor(rnd() * 10);
    const text = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
    for (const s of c.phrase(text)) assertValid(c.release, s.code);
  }
});

test('PCS coding: a course of chemotherapy summarised over several encounters is not coded from the summary; one given in the stay is', async () => {
  const cs = await testCodeSets();
  const course = 'After surgery she received 6 cycles of adjuvant chemotherapy with carboplatin and paclitaxel.';
  const r = await codeProcedures(cs, course, { setting: 'inpatient', date: DATE });
  assert.deepEqual(r.pcs?.codes.map((c) => c.code), []);
  const kept = await codeProcedures(cs, course, { setting: 'inpatient', date: DATE, includeCourses: true });
  assert.equal(kept.pcs?.codes[0]?.status, 'course');
  assert.match(kept.pcs!.codes[0]!.code, /^3E0/);
  const given = await codeProcedures(cs, 'On hospital day 2 chemotherapy with cisplatin was administered through a peripheral IV.', { setting: 'inpatient', date: DATE });
  assert.deepEqual(given.pcs?.codes.map((c) => [c.code, c.status]), [['3E03305', 'performed']]);
});

test('PCS coding: the laparotomy that is the way in to another open procedure is not coded separately (B3.11a); an exploratory one alone is', async () => {
  const cs = await testCodeSets();
  const r = await codeProcedures(cs, 'Right radical nephrectomy was performed by subcostal laparotomy.', { setting: 'inpatient', date: DATE });
  const codes = r.pcs!.codes.map((c) => c.code);
  assert.ok(codes.includes('0TT00ZZ'), codes.join(', '));
  assert.ok(!codes.some((c) => c.startsWith('0WJ')), codes.join(', '));
  const alone = await codeProcedures(cs, 'Exploratory laparotomy was performed. No lesion was found.', { setting: 'inpatient', date: DATE });
  assert.deepEqual(alone.pcs!.codes.map((c) => c.code), ['0WJG0ZZ']);
  // A laparoscopy in the sentence of an open procedure is another approach: it stays.
  const other = await codeProcedures(cs, 'Diagnostic laparoscopy, then open right nephrectomy.', { setting: 'inpatient', date: DATE });
  assert.ok(other.pcs!.codes.some((c) => c.code === '0WJG4ZZ'), other.pcs!.codes.map((c) => c.code).join(', '));
});

test('PCS rationale: one entry per character with the code path through it, what chose it and a sentence, like the diagnosis rationale', async () => {
  const c = await coder();
  const [s] = c.phrase('Procedure: Laparoscopic appendectomy.');
  assert.equal(s?.code, '0DTJ4ZZ');
  assert.deepEqual(s!.rationale.map((r) => r.path), ['0', '0D', '0DT', '0DTJ', '0DTJ4', '0DTJ4Z', '0DTJ4ZZ']);
  for (const r of s!.rationale) {
    assert.equal(r.kind, 'pcs-axis');
    assert.ok(r.rule && r.text.length > 10, JSON.stringify(r));
  }
  assert.equal(s!.rationale[2]!.rule, 'procedure:appendectomy');
  assert.match(s!.rationale[4]!.text, /^5 Approach 4 \(Percutaneous Endoscopic\)/);
  const [open] = c.phrase('Resection of the bladder.');
  assert.equal(open?.complete, false);
  assert.equal(open!.rationale.at(-1)!.kind, 'pcs-incomplete');
});

test('one parse serves diagnoses and procedures: the diagnosis coder given the parsed document answers as from the text', async () => {
  const cs = await testCodeSets();
  const { diagnosisCoder } = await import('../coding/module.js');
  const { coder: dx } = await diagnosisCoder(cs, { date: DATE });
  const note = 'Assessment: acute appendicitis with localized peritonitis.\nProcedure: Laparoscopic appendectomy.';
  const document = parseDocument(note);
  const fromText = dx.code(note, { setting: 'inpatient' });
  const shared = dx.code(note, { setting: 'inpatient', document });
  assert.deepEqual(shared, fromText);
  assert.ok(fromText.codes.length > 0);
  // The document is not changed by coding: procedures read the same one afterwards.
  const again = await codeProcedures(cs, document, { setting: 'inpatient', date: DATE });
  assert.deepEqual(again.pcs?.codes.map((c) => c.code), ['0DTJ4ZZ']);
  // The shared document wins over the text argument (the text is not parsed again).
  assert.deepEqual(dx.code('', { setting: 'inpatient', document }).codes.map((c) => c.code), fromText.codes.map((c) => c.code));
});

test('PCS build: an eye fundus examination is an inspection of each eye it looks at; both when no side is stated', async () => {
  assert.deepEqual(await codesOf('Fundus examination was normal.'), ['08J0XZZ', '08J1XZZ']);
  assert.deepEqual(await codesOf('The left eye fundus showed drusen.'), ['08J1XZZ']);
  assert.deepEqual(await codesOf('Funduscopy of the right eye: papilledema.'), ['08J0XZZ']);
  const c = await coder();
  const [right] = c.phrase('Fundus examination was normal.');
  assert.equal(right?.rationale[3]?.rule, 'default');
  assert.match(right!.rationale[3]!.text, /no side stated looks at both sides/);
});

/** The CodiEsp dev notes with the sentence spans the product gives the PCS coder. */
function devNotes(): Array<{ id: string; spans: { text: string; sentences: Array<{ start: number; end: number; section: string }> } }> {
  const corpus = defaultCodiEspDir();
  assert.ok(corpus, '../shared/corpora/codiesp beside the project');
  return readCodiespDocs(corpus, 'dev').map((d) => {
    const doc = parseDocument(d.text);
    return { id: d.id, spans: { text: doc.text, sentences: doc.sentences.map((s) => ({ start: s.start, end: s.end, section: doc.sections[s.section]?.kind ?? 'body' })) } };
  });
}

test('PCS builds on the CodiEsp dev notes: every code or prefix any mention builds (negated, historical, planned and courses too) is made by a table row', async () => {
  const c = await coder();
  let builds = 0;
  let complete = 0;
  for (const { id, spans } of devNotes()) {
    for (const m of c.mentions(spans)) {
      for (const b of c.builder.buildAll(m.request, m.context)) {
        builds++;
        if (b.complete) complete++;
        assert.doesNotThrow(() => assertValid(c.release, b.code), `${id}: ${m.request.procedure} built ${b.code}`);
      }
    }
  }
  // The notes hold hundreds of procedures: the check is not vacuous.
  assert.ok(builds > 500 && complete > 200, `${builds} builds, ${complete} complete`);
});

test('PCS lexicon: every named procedure code (and biopsy code) can be completed to a code the tables allow', async () => {
  const c = await coder();
  const r = c.release;
  const lex = c.builder.lexicon;
  // Some complete code matches a template whose unknown characters are '?'.
  const completes = (template: string, prefix = ''): boolean => {
    if (prefix.length === 7) return r.isValid(prefix);
    const next = prefix.length < 3 ? undefined : r.nextValues(prefix);
    if (prefix.length < 3) {
      const head = template.slice(0, 3);
      return c.builder.tablesFor(head).some((k) => completes(template, k));
    }
    if (!next) return false;
    const want = template[prefix.length] ?? '?';
    return next.values.some((v) => (want === '?' || v.value === want) && completes(template, prefix + v.value));
  };
  for (const p of lex.procedures) {
    assert.ok(completes(p.code.padEnd(7, '?')), `${p.id}: ${p.code} is not made by any row of the tables`);
    if (p.biopsy) assert.ok(completes(p.biopsy.code.padEnd(7, '?')), `${p.id}: biopsy ${p.biopsy.code}`);
  }
  // The check fails on a code the release does not allow (3E0T3CZ: substance C is gone from table 3E0).
  assert.equal(completes('3E0T3CZ'), false);
  assert.equal(completes('3E0T3BZ'), true);
});

test('PCS radionuclide: a bone scan takes the radionuclide the note names, and asks when it names none', async () => {
  assert.deepEqual(await codesOf('Bone scintigraphy with technetium-99m MDP showed no metastases.'), ['CP1Z1ZZ']);
  const c = await coder();
  const open = c.phrase('Bone scan showed no metastases.');
  assert.equal(open[0]?.code, 'CP1Z');
  assert.match(open[0]?.query ?? '', /radionuclide/i);
});

test('PCS coding: chemotherapy named without an administration in the stay (no dose, route or infusion) is treatment given over time, not coded', async () => {
  const cs = await testCodeSets();
  const r = await codeProcedures(cs, 'She was treated with chemotherapy and the disease progressed.', { setting: 'inpatient', date: DATE });
  assert.deepEqual(r.pcs?.codes.map((c) => c.code), []);
  const given = await codeProcedures(cs, 'Chemotherapy with cisplatin 75 mg/m2 was given intravenously.', { setting: 'inpatient', date: DATE });
  assert.deepEqual(given.pcs?.codes.map((c) => [c.code, c.status]), [['3E03305', 'performed']]);
});
