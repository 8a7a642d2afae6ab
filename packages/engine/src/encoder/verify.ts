import { padForSeventh } from '../icd10cm/code.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeNote, CodeRef, SeventhCharacter } from '../lookup.js';
import { codeInRelease } from './search-build.js';
import { stem } from './stem.js';
import { words as wordsOf } from './tokenize.js';

/**
 * What to verify in the Tabular List for a code an index or table gives:
 * whether the release in force has it and may report it as it stands, the
 * 7th character or further characters still to choose, and the notes that
 * change what is coded (code first, use additional code, code also,
 * Excludes1).
 */

export type CheckStatus = 'billable' | 'needs-7th-character' | 'needs-more-characters' | 'not-in-release';

export interface CodeCheck {
  /** The code as the index or table writes it ("S72.0-", "E11.22"). */
  indexCode: string;
  /** code: what the entry leads to; manifestation: the code in brackets; cell: a table cell. */
  role: 'code' | 'manifestation' | 'cell';
  /** The code of the release it stands for (itself, or the header above an incomplete code). */
  code?: string;
  title?: string;
  status: CheckStatus;
  /** One line for people. */
  message: string;
  /** 7th characters to choose from (with the full codes), when one is needed. */
  seventh?: Array<SeventhCharacter & { code: string }>;
  /** Billable codes below a header, those sharing words with the phrase first. */
  choices?: CodeRef[];
  codeFirst?: CodeNote[];
  useAdditionalCode?: CodeNote[];
  codeAlso?: CodeNote[];
  excludes1?: CodeNote[];
  /** Billable codes named by a "use additional code" note that match the rest of the phrase (e.g. the CKD stage). */
  additional?: CodeRef[];
}

const CHOICE_LIMIT = 12;

function overlap(title: string, stems: ReadonlySet<string>): number {
  let n = 0;
  for (const w of wordsOf(title)) if (stems.has(stem(w)) || stems.has(w)) n++;
  return n;
}

/** Billable codes below a code, ranked by words they share with the rest of the phrase, then code order. */
function choicesBelow(release: Icd10cmRelease, code: string, rest: ReadonlySet<string>): CodeRef[] {
  const out: Array<CodeRef & { n: number }> = [];
  const walk = (c: string) => {
    for (const k of release.childrenOf(c)) {
      const n = release.node(k)!;
      if (n.b) out.push({ code: n.c, title: n.t, billable: true, n: overlap(n.t, rest) });
      walk(k);
    }
  };
  walk(code);
  return out
    .sort((a, b) => b.n - a.n || (a.code < b.code ? -1 : 1))
    .slice(0, CHOICE_LIMIT)
    .map(({ n: _n, ...r }) => r);
}

const CODE_RANGE = /\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\s*-\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?))?/g;

/** Billable codes a note names (single codes, "N18.-", ranges "N18.1-N18.6") that share a word with the rest of the phrase. */
function additionalFrom(release: Icd10cmRelease, notes: readonly CodeNote[], rest: ReadonlySet<string>): CodeRef[] {
  if (rest.size === 0) return [];
  const all = release.billableCodes() as string[];
  const found = new Map<string, CodeRef & { n: number }>();
  for (const note of notes) {
    for (const m of note.text.matchAll(CODE_RANGE)) {
      const lo = m[1]!;
      const hi = m[2];
      const pool = hi ? all.filter((c) => c >= lo && (c <= hi || c.startsWith(hi))) : release.prefixRange(lo);
      for (const c of pool) {
        const n = release.node(c);
        if (!n) continue;
        const score = overlap(n.t, rest);
        if (score > 0 && !found.has(c)) found.set(c, { code: c, title: n.t, billable: true, n: score });
      }
    }
  }
  const best = Math.max(0, ...[...found.values()].map((f) => f.n));
  return [...found.values()]
    .filter((f) => f.n === best)
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .slice(0, 5)
    .map(({ n: _n, ...r }) => r);
}

/** Check a code an index entry or table cell gives against the release in force. `rest` are stems of phrase words not used by the path. */
export function checkCode(release: Icd10cmRelease, indexCode: string, role: CodeCheck['role'], rest: ReadonlySet<string> = new Set(), every: ReadonlySet<string> = rest): CodeCheck {
  const has = (c: string) => release.node(c) !== undefined;
  const code = codeInRelease(indexCode, has);
  if (!code) {
    return { indexCode, role, status: 'not-in-release', message: `${indexCode} is not a code of ${release.ref.label}; the index entry is older than this release` };
  }
  const detail = release.lookup(code)!;
  const notes = detail.notes ?? [];
  const pick = (kind: CodeNote['kind']) => {
    const list = notes.filter((n) => n.kind === kind);
    return list.length ? { [kind]: list } : {};
  };
  const base = { indexCode, role, code, title: detail.title, ...pick('codeFirst'), ...pick('useAdditionalCode'), ...pick('codeAlso'), ...pick('excludes1') };
  const stated = indexCode.replace(/[-.\s]+$/, '').replace(/\./g, '') === code.replace('.', '');
  const useAdditional = notes.filter((n) => n.kind === 'useAdditionalCode');
  const additional = additionalFrom(release, useAdditional, rest);
  const extra = additional.length ? { additional } : {};
  if (detail.billable) {
    return { ...base, ...extra, status: 'billable', message: `${code} is billable in ${release.ref.label}` };
  }
  const seventh = detail.seventhCharacter;
  const leaf = (release.childrenOf(code) ?? []).every((c) => release.node(c)?.k === 'extension');
  if (seventh && leaf) {
    const padded = padForSeventh(code);
    const options = seventh.definitions.map((d) => ({ ...d, code: padded + d.char })).filter((d) => release.node(d.code)?.b);
    return {
      ...base,
      ...extra,
      status: 'needs-7th-character',
      seventh: options,
      message: `${code} needs a 7th character (${options.map((o) => o.char).join(', ')}), defined at ${seventh.from}`,
    };
  }
  const choices = choicesBelow(release, code, every);
  return {
    ...base,
    ...extra,
    status: 'needs-more-characters',
    choices,
    message: stated
      ? `${code} is a header in ${release.ref.label}; choose one of the billable codes below it`
      : `${indexCode} is not billable in ${release.ref.label}; ${code} is the nearest header, choose a billable code below it`,
  };
}
