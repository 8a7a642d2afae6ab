import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isMedcoderError } from '../errors.js';
import { readAll } from '../sources/entry.js';
import { sharedCodesets } from '../testing/home.js';
import { pdfLayoutText, pdfWords, type PdfWord } from './pdf-text.js';
import { classifyFirstPage, findAddenda, type AddendumFile, type AddendumKind } from './sources.js';
import { parseTabularAddendum, type TabularChange } from './tabular-addenda.js';
import { parseIndexAddendum, parseIndexEntry, type IndexChange } from './index-addenda.js';
import { parseTableAddendum, type TableChange } from './table-addenda.js';

// The parsers on real addendum lines of the official PDFs in ../shared/codesets.

const found = new Map<string, Promise<AddendumFile[]>>();
function addendaIn(folder: string): Promise<AddendumFile[]> {
  let p = found.get(folder);
  if (!p) found.set(folder, (p = findAddenda([join(sharedCodesets(), 'icd10cm', folder)])));
  return p;
}

const words = new Map<string, Promise<PdfWord[]>>();
async function wordsOf(folder: string, kind: AddendumKind): Promise<PdfWord[]> {
  const key = `${folder}/${kind}`;
  let p = words.get(key);
  if (!p) {
    p = (async () => {
      const a = (await addendaIn(folder)).find((x) => x.kind === kind);
      if (!a) throw new Error(`no ${kind} addendum in ${folder}`);
      return pdfWords(await readAll(a.entry), a.entry.path);
    })();
    words.set(key, p);
  }
  return p;
}

const tabular = async (folder: string) => parseTabularAddendum(await wordsOf(folder, 'tabular'));
const index = async (folder: string, kind: 'index' | 'eindex' = 'index') => parseIndexAddendum(await wordsOf(folder, kind));
const table = async (folder: string, kind: 'drug' | 'neoplasm') => parseTableAddendum(await wordsOf(folder, kind), kind);

function at<T extends { page: number; line: number }>(list: T[], page: number, line: number): T {
  const c = list.find((x) => x.page === page && x.line === line);
  assert.ok(c, `no change printed at p.${page} l.${line}`);
  return c;
}

test('addenda are found in zips and loose folders and named by their first page', async () => {
  const fy2026 = await addendaIn('FY2026');
  assert.deepEqual(fy2026.map((a) => a.kind).sort(), ['drug', 'eindex', 'index', 'neoplasm', 'tabular']);
  assert.ok(fy2026.every((a) => a.year === 2026 && !a.period && a.effective === '2025-10-01' && a.entry.path.includes('.zip!')));
  const jan = await addendaIn('FY2021-January-update');
  assert.ok(jan.every((a) => a.year === 2021 && a.period === 'jan' && a.effective === '2021-01-01'));
  assert.ok(jan.find((a) => a.kind === 'drug')?.empty, 'the January 2021 drug addendum says there were no changes');
  const loose = await addendaIn('FY2019-addenda');
  assert.equal(loose.length, 5);
  assert.ok(loose.every((a) => a.year === 2019 && !a.entry.path.includes('!')));
  // Other PDFs (guidelines, order-file documentation) are not addenda.
  assert.ok(!fy2026.some((a) => /Guidelines|OrderFiles|CodesFile/i.test(a.entry.path)));
  assert.equal(classifyFirstPage('ICD-10-CM TABULAR LIST of DISEASES and INJURIES\n        2024 Addenda October Update')?.year, 2024);
  assert.equal(classifyFirstPage('ICD-10-CM Official Guidelines for Coding and Reporting FY 2026'), undefined);
});

test('pdftotext keeps the action column and the hyphen levels of the layout', async () => {
  const a = (await addendaIn('FY2026')).find((x) => x.kind === 'index')!;
  const text = await pdfLayoutText(await readAll(a.entry), a.entry.path, { first: 1, last: 1 });
  assert.match(text, /^Revise from +- - - specified NEC R76\.8$/m);
  assert.match(text, /^Delete +- - - - low risk postive R85\.82$/m);
});

test('a missing pdftotext is a typed error naming the Debian package', async () => {
  const before = process.env.MEDCODER_PDFTOTEXT;
  process.env.MEDCODER_PDFTOTEXT = '/nonexistent/bin/pdftotext';
  try {
    await assert.rejects(pdfLayoutText(Buffer.from('%PDF-1.4\n'), 'x.pdf'), (e: unknown) => {
      assert.ok(isMedcoderError(e));
      assert.equal(e.code, 'PDF_TEXT_UNAVAILABLE');
      assert.match(e.message, /poppler-utils/);
      return true;
    });
  } finally {
    if (before === undefined) delete process.env.MEDCODER_PDFTOTEXT;
    else process.env.MEDCODER_PDFTOTEXT = before;
  }
});

test('Tabular List: codes, inclusion terms and notes with their owners (FY2026)', async () => {
  const { changes, problems } = await tabular('FY2026');
  assert.deepEqual(problems, []);
  const c = (page: number, line: number) => at<TabularChange>(changes, page, line);
  assert.deepEqual([c(1, 9).subject, c(1, 9).action, c(1, 9).owner.id], ['code', 'context', 'B88']);
  // Inclusion terms deleted under B88.0, then the new codes with their own.
  assert.deepEqual([c(1, 11).subject, c(1, 11).kind, c(1, 11).action, c(1, 11).owner.id, c(1, 11).old], ['note', 'inclusionTerm', 'delete', 'B88.0', 'Acarine dermatitis']);
  assert.deepEqual([c(1, 16).action, c(1, 16).owner.id, c(1, 16).new, c(1, 16).section], ['add', 'B88.01', 'Infestation by Demodex mites', 'B85-B89']);
  assert.deepEqual([c(1, 17).kind, c(1, 17).owner.id, c(1, 17).new], ['inclusionTerm', 'B88.01', 'Demodex brevis infestation']);
  // "Code also" keeps its text as the tabular XML does: the heading words taken off.
  assert.deepEqual([c(1, 19).kind, c(1, 19).owner.id, c(1, 19).new], ['codeAlso', 'B88.01', ', if applicable, eyelid inflammation (H01.8-)']);
  assert.deepEqual([c(1, 24).owner.id, c(1, 24).new], ['B88.09', 'Trombiculosis']);
  // A revised inclusion term that wraps in the PDF.
  const wrapped = c(1, 32);
  assert.equal(wrapped.action, 'revise');
  assert.equal(wrapped.owner.id, 'B96.21');
  assert.equal(wrapped.old, 'Shiga toxin-producing Escherichia coli [E.coli] O157:H7 with or without confirmation of Shiga toxin-production');
  assert.equal(wrapped.new, 'Shiga toxin-producing Escherichia coli [E. coli] O157:H7 with or without confirmation of Shiga toxin-production');
  // Excludes1 moved to Excludes2, item by item (D53.8).
  assert.deepEqual([c(3, 7).kind, c(3, 7).action, c(3, 7).old], ['excludes1', 'delete', 'nutritional deficiencies without anemia, such as:']);
  assert.deepEqual([c(3, 8).kind, c(3, 8).action, c(3, 8).owner.id, c(3, 8).old], ['excludes1', 'delete', 'D53.8', 'copper deficiency NOS (E61.0)']);
  assert.deepEqual([c(3, 11).kind, c(3, 11).action, c(3, 11).new], ['excludes2', 'add', 'nutritional deficiencies without anemia, such as:']);
  assert.deepEqual([c(3, 14).kind, c(3, 14).new], ['excludes2', 'zinc deficiency NOS (E60)']);
});

test('Tabular List: a chapter title revised over two lines, a new section and category of the QA0 block (FY2026)', async () => {
  const { changes } = await tabular('FY2026');
  const title = at<TabularChange>(changes, 28, 2);
  assert.deepEqual([title.subject, title.action, title.owner.id], ['chapter', 'revise', '17']);
  assert.equal(title.new, 'Congenital malformations, deformations, chromosomal abnormalities, and genetic disorders (Q00-QA0)');
  // The chapter's list of blocks restates the new section: it changes nothing itself.
  assert.equal(at<TabularChange>(changes, 28, 6).subject, 'blocks');
  const section = at<TabularChange>(changes, 29, 38);
  assert.deepEqual([section.subject, section.action, section.owner.id, section.chapter], ['section', 'add', 'QA0', '17']);
  const category = at<TabularChange>(changes, 29, 39);
  assert.deepEqual([category.subject, category.owner.id, category.section], ['code', 'QA0', 'QA0']);
  const codeAlso = changes.filter((x) => x.owner.id === 'QA0' && x.kind === 'codeAlso').map((x) => x.new);
  assert.deepEqual(codeAlso.slice(0, 3), [', if applicable, any associated conditions, such as:', 'attention-deficit hyperactivity disorders (F90.-)', 'autism spectrum disorder (F84.0)']);
});

test('Tabular List: 7th characters of a new category, code title revisions, older layouts (FY2018, FY2024)', async () => {
  const fy2024 = (await tabular('FY2024')).changes;
  const w44 = fy2024.filter((x) => x.owner.id === 'W44');
  assert.deepEqual(w44.filter((x) => x.subject === 'seventh').map((x) => [x.char, x.new]), [
    ['A', 'initial encounter'],
    ['D', 'subsequent encounter'],
    ['S', 'sequela'],
  ]);
  assert.equal(w44.find((x) => x.kind === 'sevenChrNote')?.new, 'The appropriate 7th character is to be added to each code from category W44');
  assert.deepEqual(w44.filter((x) => x.kind === 'excludes2').map((x) => x.new), ['contact with other sharp objects (W26)', 'contact with sharp glass (W25)', 'foreign body or object entering through skin (W45)']);
  const fy2018 = await tabular('FY2018');
  assert.deepEqual(fy2018.problems, []);
  const c962 = at<TabularChange>(fy2018.changes, 2, 14);
  assert.deepEqual([c962.subject, c962.action, c962.owner.id, c962.old, c962.new], ['code', 'revise', 'C96.2', 'Malignant mast cell tumor', 'Malignant mast cell neoplasm']);
  // An inclusion term that wraps, on a page whose indents differ from the page before (D47.02).
  const sm = fy2018.changes.find((x) => x.owner.id === 'D47.02' && x.kind === 'inclusionTerm' && /AHNMD/.test(x.new ?? ''));
  assert.equal(sm?.new, 'Systemic mastocytosis, with an associated hematological non-mast cell lineage disease (SM-AHNMD)');
  const codeAlso = fy2018.changes.find((x) => x.owner.id === 'D47.02' && x.kind === 'codeAlso');
  assert.equal(codeAlso?.new, ', if applicable, any associated hematological non-mast cell lineage disease, such as:');
});

test('Alphabetic Index: levels, modifiers, codes, cross-references, wrapped entries (FY2026, FY2018)', async () => {
  const { changes, problems } = await index('FY2026');
  assert.deepEqual(problems, []);
  const c = (page: number, line: number) => at<IndexChange>(changes, page, line);
  const abnormal = c(1, 4);
  assert.deepEqual([abnormal.level, abnormal.action, abnormal.old?.title, abnormal.old?.seeAlso], [0, 'context', 'Abnormal, abnormality, abnormalities', 'Anomaly']);
  const typo = c(1, 10);
  assert.deepEqual([typo.level, typo.action, typo.old?.title, typo.old?.code], [4, 'delete', 'low risk postive', 'R85.82']);
  const revised = changes.find((x) => x.action === 'revise' && x.old?.title === 'specified NEC' && x.old.code === 'R76.8');
  assert.deepEqual([revised?.level, revised?.new?.code], [3, 'R76.89']);
  // "Abscess (connective tissue) … (pernicious)" wraps onto "(pyogenic) (septic) L02.91".
  const abscess = changes.find((x) => x.level === 0 && x.old?.title === 'Abscess');
  assert.equal(abscess?.old?.code, 'L02.91');
  assert.deepEqual(abscess?.old?.nemods, ['(connective tissue)', '(embolic)', '(fistulous)', '(infective)', '(metastatic)', '(multiple)', '(pernicious)', '(pyogenic)', '(septic)']);
  // A manifestation code in brackets, and a "(see also …)" inside the entry.
  const ms = changes.find((x) => x.action === 'revise' && x.old?.title === 'sclerosis' && x.old.code === 'G35');
  assert.deepEqual([ms?.old?.manif, ms?.old?.seeAlso, ms?.new?.code], ['F02.80', 'Dementia, in, diseases specified elsewhere', 'G35.D']);
  const fy2018 = (await index('FY2018')).changes;
  const abortion = fy2018.find((x) => x.action === 'revise' && x.old?.title === 'with current abortion');
  assert.deepEqual([abortion?.level, abortion?.old?.see, abortion?.new?.see], [2, 'categories O03-O06', 'categories O03-O04']);
  assert.deepEqual(parseIndexEntry('pyelonephritis (impacted) (recurrent) - see category N20'), {
    text: 'pyelonephritis (impacted) (recurrent) - see category N20',
    title: 'pyelonephritis',
    nemods: ['(impacted)', '(recurrent)'],
    printedTitle: 'pyelonephritis (impacted) (recurrent)',
    seeCat: 'N20',
  });
  assert.deepEqual(parseIndexEntry('Dementia (degenerative (primary)) (old age) (persisting) F03.90').nemods, ['(degenerative (primary))', '(old age)', '(persisting)']);
});

test('External Cause Index: new subterms with cross-references (FY2023)', async () => {
  const { changes, problems } = await index('FY2023', 'eindex');
  assert.deepEqual(problems, []);
  const ebike = changes.find((x) => x.new?.title === 'e-bike');
  assert.deepEqual([ebike?.action, ebike?.level, ebike?.new?.see], ['add', 2, 'Accident, transport, electric (assisted) bicylist']);
  const pedestrian = changes.find((x) => x.level === 5 && x.new?.title === 'nontraffic' && x.new.code === 'V20.21');
  assert.ok(pedestrian);
});

test('Table of Drugs: row and cell markers, hyphenated wraps, stacked revisions (FY2026, FY2021, FY2018)', async () => {
  const { changes, problems, columns } = await table('FY2026', 'drug');
  assert.deepEqual(problems, []);
  assert.equal(columns, 6);
  const find = (list: TableChange[], title: string, action?: string) => list.find((x) => (x.old ?? x.new)!.title === title && (!action || x.action === action));
  // "Revise from: Benzylhydrochlorthia-" / "zide": the word broken at the end of the line closes up.
  assert.equal(find(changes, 'Benzylhydrochlorthiazide', 'revise')?.new?.title, 'Benzylhydrochlorthiazide');
  const del = find(changes, 'anthelminthic', 'delete')!;
  assert.equal(del.level, 1);
  assert.deepEqual(del.cells.map((x) => [x.action, x.old]), ['T37.4X1', 'T37.4X2', 'T37.4X3', 'T37.4X4', 'T37.4X5', 'T37.4X6'].map((c) => ['delete', c]));
  const xylazine = find(changes, 'Xylazine', 'add')!;
  assert.deepEqual(xylazine.cells.map((x) => x.new), ['T65.841', 'T65.842', 'T65.843', 'T65.844', null, null]);
  const mopp = find(changes, 'MOPP', 'revise')!;
  assert.equal(mopp.new?.printedTitle, 'MOPP (mechlorethamine + vincristine + prednisone + procarbazine)');
  assert.deepEqual(find(changes, 'Bithionol')?.cells.map((x) => x.action), ['context', 'context', 'context', 'context', 'context', 'context']);
  // FY2021: the title's and the cells' "Revise from:"/"Revise to:" share two rows.
  const fentanyl = find((await table('FY2021-addenda', 'drug')).changes, 'Fentanyl', 'revise')!;
  assert.equal(fentanyl.new?.printedTitle, 'Fentanyl (analogs)');
  assert.deepEqual(fentanyl.cells.map((x) => [x.old, x.new]), [1, 2, 3, 4, 5, 6].map((i) => [`T40.4X${i}`, `T40.41${i}`]));
  // FY2018: a revision stacked over four lines in every column.
  const flu = find((await table('FY2018', 'drug')).changes, 'Fluticasone propionate')!;
  assert.deepEqual(flu.cells.map((x) => [x.action, x.old, x.new]), [1, 2, 3, 4, 5, 6].map((i) => ['revise', `T49.1X${i}`, `T38.0X${i}`]));
});

test('Table of Neoplasms: cell revisions, added and deleted rows, titles wrapping (FY2026, FY2024)', async () => {
  const { changes, problems } = await table('FY2026', 'neoplasm');
  assert.deepEqual(problems, []);
  const ct = changes.find((x) => x.level === 3 && x.old?.title === 'connective tissue')!;
  assert.equal(ct.action, 'context');
  assert.deepEqual(ct.cells.map((x) => x.action), ['context', 'context', 'context', 'context', 'revise', 'context']);
  assert.deepEqual([ct.cells[4]!.old, ct.cells[4]!.new, ct.cells[2]!.old], ['D48.1', 'D48.1-', null]);
  const inflammatory = changes.find((x) => x.action === 'add' && x.new?.title === 'inflammatory')!;
  assert.equal(inflammatory.level, 2);
  assert.deepEqual(inflammatory.cells.map((x) => x.new), ['C50.A-', null, null, null, null, null]);
  const cerebrum = changes.find((x) => x.action === 'delete' && x.level === 1 && /^cerebrum/.test(x.old!.title))!;
  assert.equal(cerebrum.old?.printedTitle, 'cerebrum, cerebra (cortex) (hemisphere) (white matter)');
  assert.deepEqual(cerebrum.cells.map((x) => x.old), ['C71.0', 'C79.31', null, 'D33.0', 'D43.0', 'D49.6']);
  // "NEC" on the next line belongs to the title above it.
  const fy2024 = await table('FY2024', 'neoplasm');
  assert.deepEqual(fy2024.problems, []);
  const digestive = fy2024.changes.find((x) => x.old?.title.startsWith('digestive organs'))!;
  assert.equal(digestive.old?.title, 'digestive organs, system, tube, or tract NEC');
  assert.deepEqual([digestive.cells[3]!.old, digestive.cells[3]!.new], ['D13.9', 'D13.99']);
});

test('External Cause Index: cross-references that name a code, the path of each entry (FY2026)', async () => {
  const { changes, problems } = await index('FY2026', 'eindex');
  assert.deepEqual(problems, []);
  const env = changes.filter((x) => x.path[0] === 'Environmental pollution related condition');
  assert.deepEqual(env.map((x) => [x.action, x.old?.see ?? x.new?.seeCat]), [['delete', 'Z57'], ['add', 'Z77']]);
  const hanged = changes.find((x) => x.action === 'revise' && x.old?.title === 'Hanged herself or himself')!;
  assert.deepEqual([hanged.old?.see, hanged.new?.code, hanged.new?.see], ['Hanging, self-inflicted', 'T71.162', undefined]);
  const deep = changes.find((x) => x.level >= 4)!;
  assert.equal(deep.path.length, deep.level + 1);
  assert.ok(deep.path.every((t) => t.length > 0));
});

test('every addendum of every year is read without a line left over', async () => {
  const all = await findAddenda([join(sharedCodesets(), 'icd10cm')]);
  assert.equal(all.length, 50);
  const counts: Record<string, number> = {};
  for (const a of all) {
    if (a.empty) continue;
    const w = await pdfWords(await readAll(a.entry), a.entry.path);
    const p = a.kind === 'tabular' ? parseTabularAddendum(w) : a.kind === 'index' || a.kind === 'eindex' ? parseIndexAddendum(w) : parseTableAddendum(w, a.kind);
    assert.deepEqual(p.problems, [], `${a.update} ${a.kind}`);
    assert.ok(p.changes.length > 0, `${a.update} ${a.kind}`);
    counts[a.kind] = (counts[a.kind] ?? 0) + p.changes.length;
  }
  // Change lines of all years together ("No Change" context included).
  assert.deepEqual(counts, { tabular: 13097, index: 11016, eindex: 916, drug: 249, neoplasm: 191 });
});
