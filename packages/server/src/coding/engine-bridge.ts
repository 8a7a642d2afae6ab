/**
 * The one place where the server asks the engine to code text, search codes
 * and run edits. The engine's diagnosis coding, encoder and claim edits are
 * being built beside this server; when an entry point is exported by
 * @medcoder/engine it is used, otherwise a small built-in fallback answers
 * (explicit code mentions, exact title phrases with a negation check, and a
 * title search), so the workstation works end to end either way.
 */
import * as engine from '@medcoder/engine';
import type { CodeSets, CodeSetRelease } from '@medcoder/engine';
import type { Setting } from '../db/schema.js';
import { scrubEdits } from './scrub.js';

export interface BridgeEvidence {
  /** index into the documents passed in */
  doc: number;
  start: number;
  end: number;
  text: string;
}

export interface BridgeCode {
  system: string;
  code: string;
  title: string;
  kind: 'diagnosis' | 'procedure' | 'service';
  sequence: number | null;
  confidence: number;
  rationale: string;
  evidence: BridgeEvidence[];
  /** set for mentions that must not be coded (negated, historical, …) */
  suppressReason: string | null;
  poa?: string | null;
  details?: Record<string, unknown> | null;
}

export interface CodingRequest {
  documents: Array<{ text: string; title?: string }>;
  setting: Setting;
  date: string;
}

export interface CodingAnswer {
  engine: string;
  codes: BridgeCode[];
}

type AnyFn = (...args: unknown[]) => unknown;
const exported = (name: string): AnyFn | undefined => {
  const f = (engine as unknown as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f as AnyFn) : undefined;
};

/** Which engine entry points are in use (shown in /api/health). */
export function engineFeatures(): Record<string, string> {
  return {
    coding: exported('codeDiagnoses') ? 'engine:codeDiagnoses' : 'fallback:title-phrases',
    search: exported('searchCodes') ? 'engine:searchCodes' : 'fallback:title-index',
    edits: 'engine:Scrubber',
  };
}

// ------------------------------------------------------------------ coding

export async function codeDocuments(codeSets: CodeSets, req: CodingRequest): Promise<CodingAnswer> {
  const codeDiagnoses = exported('codeDiagnoses');
  const codeProcedures = exported('codeProcedures');
  if (!codeDiagnoses && !codeProcedures) return fallbackCoding(codeSets, req);
  const joined = joinDocuments(req.documents);
  // One parse of the documents serves diagnoses and procedures.
  const document = engine.parseDocument(joined.text);
  const dx = codeDiagnoses ? await fromEngine(codeSets, req, codeDiagnoses, joined, document) : await fallbackCoding(codeSets, req);
  if (!codeProcedures) return dx;
  const px = await proceduresFromEngine(codeSets, req, codeProcedures, joined, document);
  return { engine: `${dx.engine}${px.engine ? ` + ${px.engine}` : ''}`, codes: [...dx.codes, ...px.codes] };
}

/**
 * Adapter for the engine's procedure and service coding (`codeProcedures(codeSets,
 * text, { setting, date })`): ICD-10-PCS for inpatient stays, CPT/HCPCS
 * lines (with the E/M level and its explanation) otherwise. A system without
 * a compiled release is skipped with a note, never an error.
 */
async function proceduresFromEngine(codeSets: CodeSets, req: CodingRequest, fn: AnyFn, joined: JoinedDocuments, document: engine.ClinicalDocument): Promise<{ engine: string; codes: BridgeCode[] }> {
  const setting = req.setting === 'inpatient' ? 'inpatient' : req.setting === 'professional' ? 'professional' : 'outpatient';
  let r: Record<string, unknown>;
  try {
    r = (await fn(codeSets, document, { setting, date: req.date })) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'NO_RELEASE_FOR_DATE' || code === 'RELEASE_NOT_FOUND' || code === 'RELEASE_CORRUPT') return { engine: `codeProcedures skipped (${code})`, codes: [] };
    throw e;
  }
  const ev = (list: unknown) =>
    ((list ?? []) as Array<Record<string, unknown>>).flatMap((e) => {
      const start = Number(e['start'] ?? -1);
      const end = Number(e['end'] ?? -1);
      return start >= 0 && end > start && end <= joined.text.length ? [joined.locate(start, end)] : [];
    });
  // Rationale entries are objects ({ rule, text }) like the diagnosis coder's; older answers were strings.
  const text = (x: unknown) => (Array.isArray(x) ? x.map((r) => (typeof r === 'string' ? r : String((r as Record<string, unknown>)?.['text'] ?? ''))).filter(Boolean).join(' ') : String(x ?? ''));
  const codes: BridgeCode[] = [];
  const pcs = r['pcs'] as { codes?: Array<Record<string, unknown>> } | undefined;
  (pcs?.codes ?? []).forEach((c, i) => {
    const status = String(c['status'] ?? 'performed');
    const details: Record<string, unknown> = {};
    if (c['complete'] === false) details['incomplete'] = `axes still open: ${((c['missing'] ?? []) as Array<Record<string, unknown>>).map((m) => m['title'] ?? m['axis'] ?? m['pos']).join(', ') || 'see the table'}`;
    if (c['query']) details['query'] = c['query'];
    codes.push({
      system: 'icd10pcs', code: String(c['code']), title: String(c['title'] ?? ''), kind: 'procedure', sequence: status === 'performed' ? i + 1 : null,
      confidence: Number(c['confidence'] ?? 0.5), rationale: text(c['rationale']), evidence: ev(c['evidence']),
      suppressReason: status === 'performed' ? null : `${status} procedure, not performed in this encounter`, details: Object.keys(details).length ? details : null,
    });
  });
  const services = r['services'] as { lines?: Array<Record<string, unknown>>; em?: Record<string, unknown> } | undefined;
  const em = services?.em;
  (services?.lines ?? []).forEach((l, i) => {
    const details: Record<string, unknown> = {};
    if (Number(l['units'] ?? 1) !== 1) details['units'] = l['units'];
    const mods = (l['modifiers'] ?? []) as Array<Record<string, unknown>>;
    if (mods.length) details['modifiers'] = mods.map((m) => `${m['modifier'] ?? m['code'] ?? ''}${m['reason'] ? ` (${m['reason']})` : ''}`).join(', ');
    if (l['query']) details['query'] = l['query'];
    if (em && (l['kind'] === 'em' || l['code'] === em['code'])) details['em'] = `${text(em['explanation'])}${(em['notHigher'] as unknown[] | undefined)?.length ? ` Not higher: ${text(em['notHigher'])}` : ''}`;
    if (l['valid'] === false && l['validation']) details['validation'] = l['validation'];
    codes.push({
      system: String(l['system'] ?? 'cpt'), code: String(l['code']), title: String(l['title'] ?? l['code']), kind: 'service', sequence: i + 1,
      confidence: Number(l['confidence'] ?? 0.5), rationale: text(l['rationale']), evidence: ev(l['evidence']), suppressReason: null, details: Object.keys(details).length ? details : null,
    });
  });
  return { engine: 'engine:codeProcedures', codes };
}

/**
 * Adapter for the engine's diagnosis coding (`codeDiagnoses(text, { codeSets,
 * date, setting })` answering `{ codes, suppressed, release, warnings }`). The
 * documents are coded as one text; evidence offsets are mapped back to each
 * document. Read defensively: the engine's answer is still evolving.
 */
async function fromEngine(codeSets: CodeSets, req: CodingRequest, fn: AnyFn, joined: JoinedDocuments, document: engine.ClinicalDocument): Promise<CodingAnswer> {
  const setting = req.setting === 'inpatient' ? 'inpatient' : 'outpatient';
  let result: Record<string, unknown>;
  try {
    result = (await fn(joined.text, { codeSets, date: req.date, setting, document })) as Record<string, unknown>;
  } catch (e) {
    // a release compiled before the engine had its concept dictionary: keep working, say so
    if ((e as { code?: string }).code === 'RELEASE_CORRUPT') {
      const r = await fallbackCoding(codeSets, req);
      return { ...r, engine: `${r.engine}; engine coding unavailable: ${(e as Error).message.split('\n')[0]}` };
    }
    throw e;
  }
  const release = (result['release'] as { id?: string } | undefined)?.id;
  const convert = (c: Record<string, unknown>, i: number, suppressedList: boolean): BridgeCode => {
    const evidence = ((c['evidence'] ?? []) as Array<Record<string, unknown>>).flatMap((e) => {
      const start = Number(e['start'] ?? -1);
      const end = Number(e['end'] ?? -1);
      return start >= 0 && end > start && end <= joined.text.length ? [joined.locate(start, end)] : [];
    });
    const rationale = c['rationale'];
    const rationaleText = Array.isArray(rationale)
      ? rationale.map((r) => (typeof r === 'string' ? r : String((r as Record<string, unknown>)['text'] ?? ''))).filter(Boolean).join(' ')
      : String(rationale ?? '');
    const sup = c['suppression'] as Record<string, unknown> | undefined;
    const suppressed = suppressedList || c['status'] === 'suppressed';
    const supText = sup ? String(sup['text'] ?? sup['trigger'] ?? '') : '';
    const supReason = sup ? String(sup['reason'] ?? 'suppressed') : 'suppressed';
    const suppressReason = suppressed ? (supText.toLowerCase().startsWith(supReason.toLowerCase()) ? supText : `${supReason}${supText ? `: ${supText}` : ''}`) : null;
    const seq = c['sequence'];
    const details: Record<string, unknown> = {};
    for (const k of ['hcc', 'em', 'context']) if (c[k] !== undefined && !(Array.isArray(c[k]) && (c[k] as unknown[]).length === 0)) details[k] = c[k];
    if (typeof seq === 'string' && seq !== 'secondary') details['sequence'] = seq;
    return {
      system: String(c['system'] ?? 'icd10cm'),
      code: String(c['code']),
      title: String(c['title'] ?? ''),
      kind: (c['kind'] as BridgeCode['kind']) ?? 'diagnosis',
      sequence: suppressed ? null : typeof seq === 'number' ? seq : i + 1,
      confidence: Number(c['confidence'] ?? 0.5),
      rationale: rationaleText,
      evidence,
      suppressReason,
      poa: (c['poa'] as string | undefined) ?? null,
      details: Object.keys(details).length ? details : null,
    };
  };
  const list = (Array.isArray(result) ? result : (result['codes'] ?? [])) as Array<Record<string, unknown>>;
  const suppressedList = (Array.isArray(result) ? [] : (result['suppressed'] ?? [])) as Array<Record<string, unknown>>;
  const codes = [...list.map((c, i) => convert(c, i, false)), ...suppressedList.map((c, i) => convert(c, i, true))];
  return { engine: `engine:codeDiagnoses${release ? ` (${release})` : ''}`, codes };
}

const SEPARATOR = '\n\n';
type JoinedDocuments = ReturnType<typeof joinDocuments>;
function joinDocuments(docs: Array<{ text: string }>) {
  const starts: number[] = [];
  let text = '';
  for (const d of docs) {
    if (text) text += SEPARATOR;
    starts.push(text.length);
    text += d.text;
  }
  return {
    text,
    locate(start: number, end: number): BridgeEvidence {
      let i = starts.length - 1;
      while (i > 0 && starts[i]! > start) i--;
      const s = start - starts[i]!;
      return { doc: i, start: s, end: end - starts[i]!, text: docs[i]!.text.slice(s, end - starts[i]!) };
    },
  };
}

// ------------------------------------------------- fallback coding (titles)

interface TitleIndex {
  release: string;
  /** normalised phrase → code */
  phrases: Map<string, string>;
  maxWords: number;
  titles: Map<string, string>;
  billable: Set<string>;
  /** token → codes whose title has it (search) */
  tokens: Map<string, number[]>;
  codes: string[];
}

const indexes = new Map<string, Promise<TitleIndex>>();

const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];

function phraseVariants(title: string): string[] {
  const out = new Set<string>();
  const base = title.replace(/\[[^\]]*\]/g, ' ');
  const noParen = base.replace(/\([^)]*\)/g, ' ');
  for (const t of [base, noParen]) {
    out.add(words(t).join(' '));
    const unspec = t.replace(/,\s*unspecified\b.*$/i, '').replace(/,\s*(site )?not (elsewhere classified|specified)$/i, '').replace(/^unspecified\s+/i, '');
    out.add(words(unspec).join(' '));
  }
  return [...out].filter((p) => p.length >= 5);
}

async function titleIndex(codeSets: CodeSets, system: string, date: string): Promise<{ index: TitleIndex; release: CodeSetRelease }> {
  const { release } = await codeSets.release(system, { date });
  let p = indexes.get(release.manifest.id);
  if (!p) {
    p = Promise.resolve().then(() => {
      const phrases = new Map<string, string>();
      const titles = new Map<string, string>();
      const tokens = new Map<string, number[]>();
      const codes: string[] = [];
      const billable = new Set<string>();
      let maxWords = 1;
      for (const code of release.billableCodes()) {
        const d = release.lookup(code);
        if (!d) continue;
        billable.add(d.code);
        titles.set(d.code, d.title);
        const n = codes.push(d.code) - 1;
        for (const w of new Set(words(d.title))) {
          const l = tokens.get(w);
          if (l) l.push(n);
          else tokens.set(w, [n]);
        }
        if (system !== 'icd10cm') continue;
        for (const ph of phraseVariants(d.title)) {
          const prior = phrases.get(ph);
          // the shorter code (less specific default) wins a shared phrase
          if (!prior || d.code.length < prior.length) phrases.set(ph, d.code);
          maxWords = Math.max(maxWords, ph.split(' ').length);
        }
      }
      return { release: release.manifest.id, phrases, maxWords: Math.min(maxWords, 10), titles, billable, tokens, codes };
    });
    indexes.set(release.manifest.id, p);
  }
  return { index: await p, release };
}

const NEGATION = /\b(no|not|denies|denied|negative for|without|free of|rules? out|ruled out|absence of)\b[^.;:\n]*$/i;
const HISTORY = /\b(family history of|history of|h\/o|s\/p|status post)\b[^.;:\n]*$/i;
const CODE_MENTION = /\b([A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,4})?)\b/g;

/** The built-in fallback: explicit code mentions and exact title phrases, with a negation check. */
export async function fallbackCoding(codeSets: CodeSets, req: CodingRequest): Promise<CodingAnswer> {
  const { index, release } = await titleIndex(codeSets, 'icd10cm', req.date);
  const found = new Map<string, BridgeCode>();
  const add = (code: string, ev: BridgeEvidence, how: string, confidence: number, suppress: string | null) => {
    const key = `${code}|${suppress ? 's' : ''}`;
    const prior = found.get(key);
    if (prior) {
      prior.evidence.push(ev);
      return;
    }
    found.set(key, {
      system: 'icd10cm', code, title: index.titles.get(code) ?? release.lookup(code)?.title ?? code, kind: 'diagnosis', sequence: null,
      confidence, rationale: how, evidence: [ev], suppressReason: suppress,
    });
  };
  req.documents.forEach((doc, di) => {
    const text = doc.text;
    // explicit code mentions that validate
    for (const m of text.matchAll(CODE_MENTION)) {
      const v = release.validate(m[1]!);
      if (v.valid) add(v.code, { doc: di, start: m.index!, end: m.index! + m[0].length, text: m[0] }, `the note names ${v.code}`, 0.95, null);
    }
    // title phrases
    const toks = [...text.matchAll(/[A-Za-z0-9]+(?:'[A-Za-z]+)?/g)].map((m) => ({ w: m[0].toLowerCase(), start: m.index!, end: m.index! + m[0].length }));
    for (let i = 0; i < toks.length; i++) {
      let phrase = '';
      let best: { code: string; j: number } | undefined;
      for (let j = i; j < Math.min(toks.length, i + index.maxWords); j++) {
        // stop at a sentence boundary
        if (j > i && /[.;:\n]/.test(text.slice(toks[j - 1]!.end, toks[j]!.start))) break;
        phrase = phrase ? `${phrase} ${toks[j]!.w}` : toks[j]!.w;
        const code = index.phrases.get(phrase);
        if (code) best = { code, j };
      }
      if (!best) continue;
      const start = toks[i]!.start;
      const end = toks[best.j]!.end;
      const lineStart = Math.max(text.lastIndexOf('\n', start), text.lastIndexOf('.', start - 1)) + 1;
      const before = text.slice(lineStart, start);
      const neg = NEGATION.exec(before);
      const hist = HISTORY.exec(before);
      const suppress = neg ? `negated ("${neg[1]}")` : hist ? `history or status ("${hist[1]}"), not a current condition` : null;
      add(best.code, { doc: di, start, end, text: text.slice(start, end) }, `the note states "${text.slice(start, end)}", the title of ${best.code}`, 0.7, suppress);
      i = best.j;
    }
  });
  const codes = [...found.values()];
  const active = codes.filter((c) => !c.suppressReason);
  // a code both stated and negated somewhere counts as stated
  const suppressed = codes.filter((c) => c.suppressReason && !active.some((a) => a.code === c.code));
  active.forEach((c, i) => (c.sequence = i + 1));
  return { engine: `fallback:title-phrases (${release.manifest.id})`, codes: [...active, ...suppressed] };
}

// ------------------------------------------------------------------ search

export interface SearchHit {
  code: string;
  title: string;
  billable: boolean;
  score: number;
  path?: string;
}

/**
 * Search answers are kept in a small LRU cache (per code-set home, system,
 * date, limit and query): type-ahead repeats the same prefixes all day, and
 * compiled releases never change under a running server.
 */
const SEARCH_CACHE_MAX = 5000;
const searchCache = new WeakMap<CodeSets, Map<string, Promise<{ release: string; engine: string; hits: SearchHit[] }>>>();

export function searchCodes(codeSets: CodeSets, q: string, opts: { system: string; date: string; limit: number }): Promise<{ release: string; engine: string; hits: SearchHit[] }> {
  let cache = searchCache.get(codeSets);
  if (!cache) searchCache.set(codeSets, (cache = new Map()));
  const key = `${opts.system}|${opts.date}|${opts.limit}|${q.trim().toLowerCase()}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = searchUncached(codeSets, q, opts);
  cache.set(key, p);
  p.catch(() => cache.delete(key));
  if (cache.size > SEARCH_CACHE_MAX) cache.delete(cache.keys().next().value!);
  return p;
}

async function searchUncached(codeSets: CodeSets, q: string, opts: { system: string; date: string; limit: number }): Promise<{ release: string; engine: string; hits: SearchHit[] }> {
  const searchFn = exported('searchCodes');
  let engineError: string | undefined;
  if (searchFn) {
    let r: unknown;
    try {
      r = await searchFn(codeSets, q, { systems: [opts.system], date: opts.date, limit: opts.limit });
    } catch (e) {
      // a release compiled by an older engine (no or old search index): answer from titles, and say so
      if ((e as { code?: string }).code !== 'RELEASE_CORRUPT') throw e;
      engineError = (e as Error).message.split('\n')[0];
    }
    if (r) return engineSearchAnswer(r, opts.limit);
  }
  const answer = await titleSearch(codeSets, q, opts);
  return engineError ? { ...answer, engine: `${answer.engine} (engine search unavailable: ${engineError})` } : answer;
}

function engineSearchAnswer(raw: unknown, limit: number): { release: string; engine: string; hits: SearchHit[] } {
  {
    const r = raw as {
      hits?: Array<{ code: string; title: string; billable: boolean; score: number; release?: string; matched?: { kind: string; text: string } }>;
      releases?: Array<{ release: { id: string } }>;
    };
    const hits = (r.hits ?? []).slice(0, limit).map((h) => ({
      code: h.code, title: h.title, billable: !!h.billable, score: Number(h.score),
      ...(h.matched && h.matched.kind !== 'code' && h.matched.text !== h.title ? { path: `${h.matched.kind}: ${h.matched.text}` } : {}),
    }));
    return { release: r.releases?.[0]?.release.id ?? r.hits?.[0]?.release ?? '', engine: 'engine:searchCodes', hits };
  }
}

async function titleSearch(codeSets: CodeSets, q: string, opts: { system: string; date: string; limit: number }): Promise<{ release: string; engine: string; hits: SearchHit[] }> {
  const { index } = await titleIndex(codeSets, opts.system, opts.date);
  const query = q.trim();
  const hits: SearchHit[] = [];
  const codeLike = query.toUpperCase().replace(/\./g, '');
  if (/^[A-Z0-9]{3,7}$/.test(codeLike) && /[0-9]/.test(codeLike)) {
    for (const c of index.codes) {
      if (c.replace(/\./g, '').startsWith(codeLike)) {
        hits.push({ code: c, title: index.titles.get(c)!, billable: true, score: 1 });
        if (hits.length >= opts.limit) break;
      }
    }
    if (hits.length) return { release: index.release, engine: 'fallback:title-index', hits };
  }
  const terms = words(query);
  if (!terms.length) return { release: index.release, engine: 'fallback:title-index', hits };
  // every term must be present; the last may be a prefix
  let candidates: number[] | undefined;
  terms.forEach((t, i) => {
    let list: number[];
    if (i === terms.length - 1) {
      const set = new Set<number>();
      for (const [tok, l] of index.tokens) if (tok.startsWith(t)) for (const n of l) set.add(n);
      list = [...set];
    } else list = index.tokens.get(t) ?? [];
    if (!candidates) candidates = list;
    else {
      const s = new Set(list);
      candidates = candidates.filter((n) => s.has(n));
    }
  });
  const scored = (candidates ?? []).map((n) => {
    const code = index.codes[n]!;
    const title = index.titles.get(code)!;
    const len = words(title).length;
    return { code, title, billable: true, score: terms.length / Math.max(len, 1) };
  });
  scored.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  return { release: index.release, engine: 'fallback:title-index', hits: scored.slice(0, opts.limit) };
}

/** Warm the indexes used by search and fallback coding (server start): the title index only where the engine's entry point is missing. */
export async function warm(codeSets: CodeSets, date: string): Promise<void> {
  for (const s of ['icd10cm', 'icd10pcs']) {
    try {
      if (exported('searchCodes')) await searchCodes(codeSets, 'pneumonia', { system: s, date, limit: 20 });
      if (!exported('searchCodes') || (s === 'icd10cm' && !exported('codeDiagnoses'))) await titleIndex(codeSets, s, date);
    } catch {
      // a system without a compiled release
    }
  }
}

// ------------------------------------------------------------------- edits

export interface BridgeFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  codes: string[];
  fixes: Array<{ action: 'replace' | 'remove' | 'add' | 'resequence'; code?: string; replacement?: string; label: string }>;
  /** the scrubber layer (validity, icd10cm-instructions, mce, poa, ncci-ptp, mue, add-on, medical-necessity) or claim */
  layer?: string;
  /** what to do about it, in a coder's words */
  advice?: string;
  /** the table or release the edit comes from */
  source?: string;
}

export interface EditInput {
  setting: Setting;
  date: string;
  codes: Array<{ system: string; code: string; sequence: number; kind: string; poa: string | null }>;
  encounterId?: number;
  /** last date of service (a stay's discharge) */
  dateTo?: string;
  /** age and sex edits (MCE) need them */
  patient?: { birthDate: string | null; sex: string | null };
}

export type CodingFn = (codeSets: CodeSets, req: CodingRequest) => Promise<CodingAnswer>;
export type EditsFn = (codeSets: CodeSets, input: EditInput) => Promise<{ engine: string; findings: BridgeFinding[] }>;

/** The edits of the workstation: the engine's claim scrubber, every layer (see scrub.ts). */
export async function runEdits(codeSets: CodeSets, input: EditInput): Promise<{ engine: string; findings: BridgeFinding[] }> {
  return scrubEdits(codeSets, input);
}

/** The built-in edits: validity on the date of service, duplicates, a diagnosis present, inpatient POA. */
export async function validationEdits(codeSets: CodeSets, input: EditInput): Promise<{ engine: string; findings: BridgeFinding[] }> {
  const findings: BridgeFinding[] = [];
  const dx = input.codes.filter((c) => c.system === 'icd10cm').sort((a, b) => a.sequence - b.sequence);
  if (input.codes.length && dx.length === 0) {
    findings.push({ rule: 'NO_DIAGNOSIS', severity: 'error', message: 'A claim needs at least one diagnosis code.', codes: [], fixes: [] });
  }
  const seen = new Set<string>();
  for (const c of input.codes) {
    const key = `${c.system}|${c.code}`;
    if (seen.has(key)) findings.push({ rule: 'DUPLICATE_CODE', severity: 'warning', message: `${c.code} is listed twice.`, codes: [c.code], fixes: [{ action: 'remove', code: c.code, label: `Remove the second ${c.code}` }] });
    seen.add(key);
    let v;
    try {
      v = await codeSets.validate(c.system, c.code, { date: input.date });
    } catch {
      continue;
    }
    if (!v.valid) {
      const replacements = [...(v.billableChildren ?? []), ...(v.suggestions ?? [])].slice(0, 4);
      const reason = v.reasons[0];
      findings.push({
        rule: reason?.code === 'NOT_BILLABLE' ? 'INVALID_CODE:NOT_BILLABLE' : `INVALID_CODE:${reason?.code ?? 'INVALID'}`,
        severity: 'error',
        message: `${c.code}: ${reason?.message ?? 'not valid on the date of service'}`,
        codes: [c.code],
        fixes: [
          ...replacements.map((r) => ({ action: 'replace' as const, code: c.code, replacement: r.code, label: `Replace with ${r.code} ${r.title}` })),
          { action: 'remove' as const, code: c.code, label: `Remove ${c.code}` },
        ],
      });
    }
  }
  if (input.setting === 'inpatient') {
    for (const c of dx) {
      if (!c.poa) findings.push({ rule: 'POA_MISSING', severity: 'warning', message: `${c.code}: present-on-admission indicator missing (inpatient).`, codes: [c.code], fixes: [{ action: 'replace', code: c.code, replacement: 'POA:Y', label: 'Set POA to Y' }] });
    }
  }
  return { engine: 'fallback:validation', findings };
}

// --------------------------------------------------------------------- HCC

export interface HccInput {
  birthDate: string | null;
  sex: string | null;
  payer: string | null;
  date: string;
}

const hccScorers = new WeakMap<CodeSets, Promise<unknown>>();

/**
 * CMS-HCC explanations for the suggested diagnoses of a Medicare patient
 * (the engine's HccScorer, model V28): which HCC each code maps to, its
 * coefficient, and HCCs dropped by the hierarchy. Adds `details.hcc` to the
 * codes in place; does nothing when the engine or its tables are missing.
 */
export async function addHccExplanations(codeSets: CodeSets, input: HccInput, codes: BridgeCode[]): Promise<boolean> {
  const Scorer = (engine as unknown as Record<string, unknown>)['HccScorer'] as { open?: (o: { codeSets: CodeSets }) => Promise<unknown> } | undefined;
  if (!Scorer?.open || !input.payer || !/medicare/i.test(input.payer) || !input.birthDate || (input.sex !== 'F' && input.sex !== 'M')) return false;
  const dx = codes.filter((c) => c.system === 'icd10cm' && !c.suppressReason);
  if (!dx.length) return false;
  let p = hccScorers.get(codeSets);
  if (!p) {
    p = Scorer.open({ codeSets });
    p.catch(() => hccScorers.delete(codeSets));
    hccScorers.set(codeSets, p);
  }
  try {
    const scorer = (await p) as { score(patient: unknown, opts: unknown): Record<string, unknown> };
    const age = Math.floor((Date.parse(input.date) - Date.parse(input.birthDate)) / (365.25 * 86400_000));
    const result = scorer.score({ age, sex: input.sex, diagnoses: dx.map((c) => c.code) }, { model: 'v28', gaps: false });
    const comp = ((result['components'] ?? []) as Array<Record<string, unknown>>)[0];
    if (!comp) return false;
    const hccs = (comp['hccs'] ?? []) as Array<{ hcc: number; label: string; coefficient: number; from: string[] }>;
    const dropped = (comp['dropped'] ?? []) as Array<{ hcc: number; label: string; by: Array<{ hcc: number }>; from: string[] }>;
    const model = String(comp['label'] ?? 'CMS-HCC');
    for (const c of dx) {
      const kept = hccs.filter((h) => h.from.includes(c.code)).map((h) => `HCC ${h.hcc} ${h.label} (${model}, coefficient ${h.coefficient.toFixed(3)})`);
      const lost = dropped.filter((h) => h.from.includes(c.code)).map((h) => `HCC ${h.hcc} ${h.label}, dropped by the hierarchy under HCC ${h.by.map((b) => b.hcc).join(', ')}`);
      if (kept.length || lost.length) c.details = { ...(c.details ?? {}), hcc: [...kept, ...lost].join('; ') };
    }
    return true;
  } catch {
    return false;
  }
}
