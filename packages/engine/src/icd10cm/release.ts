import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { distance } from 'fastest-levenshtein';
import type { CodeDetail, CodeNote, CodeRef, ReleaseRef, SeventhCharacterInfo, Validation, ValidationReason } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSetRelease, SystemLoader } from '../releases/release.js';
import { MedcoderError } from '../errors.js';
import { prefixRange } from '../util/sorted.js';
import { normalizeCm, padForSeventh, shapeProblems, stemOf } from './code.js';
import { CM_CODES_FILE, fromFile, unpackCmIndexed, type CmPacked, type CmChapter, type CmCompiled, type CmNode, type CmSection } from './compiled.js';
import { TABULAR_NOTE_KINDS } from './tabular.js';

/** Notes that apply to every code below the one carrying them. Inclusion terms belong to their own code only. */
const INHERITED = TABULAR_NOTE_KINDS.filter((k) => k !== 'inclusionTerm');
const NO_NOTES: readonly CodeNote[] = Object.freeze([]);

export class Icd10cmRelease implements CodeSetRelease {
  readonly system = 'icd10cm' as const;
  private readonly nodes: Map<string, CmNode>;
  private readonly children: Map<string, string[]>;
  private readonly chapters = new Map<string, CmChapter>();
  private readonly sections = new Map<string, CmSection>();
  /** Billable codes in code order, for prefix and nearest-code queries. */
  private readonly billable: string[] = [];

  /** `index`: the code and children maps when the caller built them while unpacking (see unpackCmIndexed). */
  constructor(readonly manifest: ReleaseManifest, readonly ref: ReleaseRef, private readonly data: CmCompiled, index?: { byCode: Map<string, CmNode>; children: Map<string, string[]> }) {
    for (const c of data.chapters) this.chapters.set(c.id, c);
    for (const s of data.sections) this.sections.set(s.id, s);
    if (index) {
      this.nodes = index.byCode;
      this.children = index.children;
      for (const n of data.nodes) if (n.b) this.billable.push(n.c);
      return;
    }
    this.nodes = new Map();
    this.children = new Map();
    for (const n of data.nodes) {
      this.nodes.set(n.c, n);
      if (n.p) {
        const list = this.children.get(n.p);
        if (list) list.push(n.c);
        else this.children.set(n.p, [n.c]);
      }
      if (n.b) this.billable.push(n.c);
    }
  }

  normalize(input: string): string {
    return normalizeCm(input);
  }

  billableCodes(): Iterable<string> {
    return this.billable;
  }

  billableCount(): number {
    return this.billable.length;
  }

  /** The raw node, for other engine modules (encoder, edits). */
  node(code: string): CmNode | undefined {
    return this.nodes.get(code);
  }

  childrenOf(code: string): string[] {
    return this.children.get(code) ?? [];
  }

  private readonly seventhMemo = new Map<string, SeventhCharacterInfo | null>();

  /** 7th-character definitions that apply to a stem (own or inherited), minus textual exclusions. */
  seventhFor(stem: CmNode): SeventhCharacterInfo | undefined {
    let memo = this.seventhMemo.get(stem.c);
    if (memo === undefined) {
      const info = this.computeSeventh(stem);
      memo = info ? Object.freeze(info) : null;
      this.seventhMemo.set(stem.c, memo);
    }
    return memo ?? undefined;
  }

  /** The tabular's 7th-character text rules with their patterns compiled once. */
  private rules: Array<{ rule: CmCompiled['seventhRules'][number]; re: RegExp }> | undefined;

  private computeSeventh(stem: CmNode): SeventhCharacterInfo | undefined {
    let found: CmNode | undefined;
    for (let cur: CmNode | undefined = stem; cur; cur = cur.p ? this.nodes.get(cur.p) : undefined) {
      if (cur.x) {
        found = cur;
        break;
      }
    }
    if (!found?.x) return undefined;
    const padded = padForSeventh(stem.c);
    this.rules ??= this.data.seventhRules.map((rule) => ({ rule, re: new RegExp(rule.stem) }));
    const excluded: Array<{ char: string; rule: string }> = [];
    for (const { rule, re } of this.rules) {
      if (!padded.startsWith(rule.category) || !re.test(padded)) continue;
      for (const char of rule.exclude) if (!excluded.some((x) => x.char === char)) excluded.push({ char, rule: rule.rule });
    }
    const info: SeventhCharacterInfo = {
      from: found.c,
      definitions: found.x.filter(([c]) => !excluded.some((x) => x.char === c)).map(([char, meaning]) => ({ char, meaning })),
    };
    if (excluded.length) info.excluded = excluded;
    if (found.xf) info.release = found.xf;
    return info;
  }

  /** Notes a code inherits from its parent chain, section and chapter; shared by all children of `parent`. */
  private readonly inheritedMemo = new Map<string, readonly CodeNote[]>();
  private readonly ancestorsMemo = new Map<string, readonly CodeRef[]>();

  private notesOf(owner: { n?: CmNode['n']; nf?: string }, from: string, kinds: readonly string[], out: CodeNote[]): void {
    if (!owner.n) return;
    for (const kind of kinds) {
      const list = owner.n[kind as keyof typeof owner.n];
      if (!list) continue;
      for (const text of list) {
        const note: CodeNote = { kind: kind as CodeNote['kind'], text, from };
        if (owner.nf) note.release = owner.nf;
        out.push(Object.freeze(note));
      }
    }
  }

  /** Everything a child of `code` inherits: code's own inheritable notes, then its ancestors', section's, chapter's. */
  private inheritedBelow(code: string): readonly CodeNote[] {
    let memo = this.inheritedMemo.get(code);
    if (memo) return memo;
    const n = this.nodes.get(code)!;
    const out: CodeNote[] = [];
    this.notesOf(n, n.c, INHERITED, out);
    if (n.p) out.push(...this.inheritedBelow(n.p));
    else if (n.sec) out.push(...this.headingNotes(n.sec));
    memo = Object.freeze(out);
    this.inheritedMemo.set(code, memo);
    return memo;
  }

  private readonly sectionNotesMemo = new Map<string, readonly CodeNote[]>();

  /** The inheritable notes of a section and its chapter, made once per section. */
  private headingNotes(sectionId: string): readonly CodeNote[] {
    let memo = this.sectionNotesMemo.get(sectionId);
    if (memo) return memo;
    const out: CodeNote[] = [];
    const section = this.sections.get(sectionId);
    const chapter = section ? this.chapters.get(section.chapter) : undefined;
    if (section) this.notesOf(section, section.id, INHERITED, out);
    if (chapter) out.push(...this.chapterNotes(chapter));
    memo = Object.freeze(out);
    this.sectionNotesMemo.set(sectionId, memo);
    return memo;
  }

  private readonly chapterNotesMemo = new Map<string, readonly CodeNote[]>();

  /** A chapter's inheritable notes, made once: its sections share the same (frozen) notes, and what is worked out per note serves them all. */
  private chapterNotes(chapter: CmChapter): readonly CodeNote[] {
    let memo = this.chapterNotesMemo.get(chapter.id);
    if (!memo) {
      const out: CodeNote[] = [];
      this.notesOf(chapter, `Chapter ${chapter.id}`, INHERITED, out);
      this.chapterNotesMemo.set(chapter.id, (memo = Object.freeze(out)));
    }
    return memo;
  }

  private readonly headingMemo = new Map<string, { id: string; title: string }>();
  private readonly provenanceMemo = new Map<string, Record<string, string>>();

  private headingRef(h: CmChapter): { id: string; title: string } {
    const key = `${'chapter' in h ? 's' : 'c'}${h.id}`;
    let r = this.headingMemo.get(key);
    if (!r) this.headingMemo.set(key, (r = Object.freeze({ id: h.id, title: h.title })));
    return r;
  }

  private provenanceOf(nf: string | undefined, xf: string | undefined): Record<string, string> {
    const key = `${nf ?? ''}|${xf ?? ''}`;
    let r = this.provenanceMemo.get(key);
    if (!r) {
      r = {};
      if (nf) r.notes = nf;
      if (xf) r.seventhCharacters = xf;
      this.provenanceMemo.set(key, Object.freeze(r));
    }
    return r;
  }

  private ancestorRefs(n: CmNode): readonly CodeRef[] {
    if (!n.p) return [];
    let memo = this.ancestorsMemo.get(n.p);
    if (!memo) {
      const parent = this.nodes.get(n.p)!;
      memo = Object.freeze([...this.ancestorRefs(parent), Object.freeze({ code: parent.c, title: parent.t, billable: parent.b === 1 })]);
      this.ancestorsMemo.set(n.p, memo);
    }
    return memo;
  }

  /** A node's notes as lookup gives them: its own, then those it inherits (its parents', its section's and chapter's). */
  notesFor(n: CmNode): CodeNote[] {
    const notes: CodeNote[] = [];
    this.notesOf(n, n.c, TABULAR_NOTE_KINDS, notes);
    const inherited = n.p ? this.inheritedBelow(n.p) : n.sec && this.sections.has(n.sec) ? this.headingNotes(n.sec) : undefined;
    if (!inherited) return notes;
    return notes.length ? notes.concat(inherited) : inherited.slice();
  }

  /** Inherited notes of the children of a code, split by kind (memo per code: siblings share them). */
  private readonly inheritedByKindMemo = new Map<string, ReadonlyMap<string, readonly CodeNote[]>>();
  private readonly headingByKindMemo = new Map<string, ReadonlyMap<string, readonly CodeNote[]>>();

  private static byKind(notes: readonly CodeNote[]): ReadonlyMap<string, readonly CodeNote[]> {
    const out = new Map<string, CodeNote[]>();
    for (const n of notes) {
      const list = out.get(n.kind);
      if (list) list.push(n);
      else out.set(n.kind, [n]);
    }
    for (const list of out.values()) Object.freeze(list);
    return out;
  }

  /**
   * A node's notes of one kind, in the order notesFor lists them (its own,
   * then those it inherits). What inherits is split by kind once per parent,
   * so codes of one family share the work, and a code without notes of the
   * kind of its own gets the family's list itself (frozen), the same list for
   * every code of the family.
   */
  notesOfKind(n: CmNode, kind: CodeNote['kind']): readonly CodeNote[] {
    const own: CodeNote[] = [];
    this.notesOf(n, n.c, [kind], own);
    let inherited: ReadonlyMap<string, readonly CodeNote[]> | undefined;
    if (n.p) {
      inherited = this.inheritedByKindMemo.get(n.p);
      if (!inherited) this.inheritedByKindMemo.set(n.p, (inherited = Icd10cmRelease.byKind(this.inheritedBelow(n.p))));
    } else if (n.sec && this.sections.has(n.sec)) {
      inherited = this.headingByKindMemo.get(n.sec);
      if (!inherited) this.headingByKindMemo.set(n.sec, (inherited = Icd10cmRelease.byKind(this.headingNotes(n.sec))));
    }
    const more = inherited?.get(kind);
    if (!more) return own.length ? own : NO_NOTES;
    return own.length ? own.concat(more) : more;
  }

  lookup(input: string): CodeDetail | undefined {
    const code = normalizeCm(input);
    const n = this.nodes.get(code);
    if (!n) return undefined;
    const ancestors = this.ancestorRefs(n);
    const category = ancestors.length ? this.nodes.get(ancestors[0]!.code)! : n;
    const section = category.sec ? this.sections.get(category.sec) : undefined;
    const chapter = section ? this.chapters.get(section.chapter) : undefined;
    const notes = this.notesFor(n);
    const kids = this.children.get(n.c);
    let extension: CodeDetail['extension'];
    let seventhCharacter: SeventhCharacterInfo | undefined;
    if (n.k === 'extension' && n.p) {
      const stem = this.nodes.get(n.p);
      const info = stem ? this.seventhFor(stem) : undefined;
      const ch = n.c.charAt(n.c.length - 1);
      if (stem) extension = { stem: stem.c, char: ch, meaning: info?.definitions.find((d) => d.char === ch)?.meaning ?? '' };
    } else if (n.x || (!n.b && (!kids || kids.every((c) => this.nodes.get(c)?.k === 'extension')))) {
      seventhCharacter = this.seventhFor(n);
    }
    // Every key is always set (undefined when absent) so all answers share one object shape.
    const detail: CodeDetail = {
      system: 'icd10cm',
      code: n.c,
      title: n.t,
      shortTitle: n.s,
      billable: n.b === 1,
      kind: n.k,
      release: this.ref,
      chapter: chapter ? this.headingRef(chapter) : undefined,
      section: section ? this.headingRef(section) : undefined,
      ancestors: ancestors as CodeRef[],
      children: kids ? kids.map((c) => this.ref_(c)) : [],
      notes,
      seventhCharacter,
      extension,
      provenance: n.nf || n.xf ? this.provenanceOf(n.nf, n.xf) : undefined,
    };
    return detail;
  }

  private ref_(code: string): CodeRef {
    const n = this.nodes.get(code)!;
    return { code: n.c, title: n.t, billable: n.b === 1 };
  }

  private billableBelow(code: string, limit = 500): CodeRef[] {
    const out: CodeRef[] = [];
    const walk = (c: string) => {
      for (const k of this.childrenOf(c)) {
        if (out.length >= limit) return;
        const n = this.nodes.get(k)!;
        if (n.b) out.push({ code: n.c, title: n.t, billable: true });
        walk(k);
      }
    };
    walk(code);
    return out;
  }

  validate(input: string): Validation {
    const code = normalizeCm(typeof input === 'string' ? input : String(input));
    const base = { input, system: 'icd10cm' as const, code, release: this.ref };
    const shape = shapeProblems(input, code);
    if (shape.length) return { ...base, exists: false, valid: false, reasons: shape.map((p) => ({ ...p })) };
    const n = this.nodes.get(code);
    if (n?.b) return { ...base, exists: true, valid: true, title: n.t, reasons: [] };
    const reasons: ValidationReason[] = [];
    if (n) {
      const info = this.childrenOf(n.c).every((c) => this.nodes.get(c)?.k === 'extension') ? this.seventhFor(n) : undefined;
      const result: Validation = { ...base, exists: true, valid: false, title: n.t, reasons };
      if (info) {
        const padded = padForSeventh(n.c);
        const chars = info.definitions.map((d) => d.char).join(', ');
        if (padded !== n.c) {
          reasons.push({ code: 'PLACEHOLDER_REQUIRED', message: `${n.c} needs placeholder X to reach six characters before its 7th character: ${padded}? (? = ${chars})`, position: n.c.replace('.', '').length + 1 });
        }
        reasons.push({ code: 'SEVENTH_CHARACTER_REQUIRED', message: `${n.c} needs a 7th character (${chars}); defined at ${info.from}`, position: 7 });
        result.suggestions = info.definitions
          .map((d) => this.nodes.get(padded + d.char))
          .filter((x): x is CmNode => Boolean(x?.b))
          .slice(0, 6)
          .map((x) => this.ref_(x.c));
      } else {
        const below = this.billableBelow(n.c);
        reasons.push({ code: 'NOT_BILLABLE', message: `${n.c} is a ${n.k === 'category' ? 'category' : 'subcategory'} header, not billable; choose a code below it` });
        result.billableChildren = below;
      }
      return result;
    }
    // Not a node: a full code whose 7th character or placeholder is wrong?
    const bare = code.replace('.', '');
    if (bare.length === 7) {
      const stemNode = this.nodes.get(stemOf(code));
      // Only a leaf (or a node whose children are all full codes) takes a 7th character.
      const stem = stemNode && this.childrenOf(stemNode.c).every((c) => this.nodes.get(c)?.k === 'extension') ? stemNode : undefined;
      const info = stem ? this.seventhFor(stem) : undefined;
      if (stem && info) {
        const ch = bare[6]!;
        const padded = padForSeventh(stem.c);
        const excluded = info.excluded?.find((x) => x.char === ch);
        if (padded + ch !== code) {
          reasons.push({ code: 'PLACEHOLDER_REQUIRED', message: `write ${padded + ch}: placeholder X fills the empty positions before the 7th character`, position: stem.c.replace('.', '').length + 1 });
        } else if (excluded) {
          reasons.push({ code: 'SEVENTH_CHARACTER_NOT_ALLOWED', message: `7th character ${ch} does not apply to ${stem.c}: ${excluded.rule}`, position: 7 });
        } else {
          reasons.push({ code: 'SEVENTH_CHARACTER_INVALID', message: `7th character ${ch} is not defined for ${stem.c} (valid: ${info.definitions.map((d) => d.char).join(', ')})`, position: 7 });
        }
        const fixed = this.nodes.get(padded + ch);
        return {
          ...base,
          exists: false,
          valid: false,
          reasons,
          suggestions: fixed?.b ? [this.ref_(fixed.c)] : info.definitions.slice(0, 6).map((d) => this.nodes.get(padded + d.char)).filter((x): x is CmNode => Boolean(x)).map((x) => this.ref_(x.c)),
        };
      }
    }
    // Missing placeholder: the input is a stem plus a 7th character with the X left out (T36.05A → T36.0X5A).
    const placeholder = this.placeholderFix(bare);
    if (placeholder) {
      reasons.push({ code: 'PLACEHOLDER_REQUIRED', message: `placeholder X is needed: ${placeholder}`, position: bare.length });
      return { ...base, exists: false, valid: false, reasons, suggestions: [this.ref_(placeholder)] };
    }
    reasons.push({ code: 'UNKNOWN_CODE', message: `${code} is not an ICD-10-CM code in ${this.ref.label}` });
    return { ...base, exists: false, valid: false, reasons, suggestions: this.nearest(code) };
  }

  private placeholderFix(bare: string): string | undefined {
    if (bare.length < 4 || bare.length > 6) return undefined;
    const ch = bare[bare.length - 1]!;
    const body = bare.slice(0, -1);
    // Insert X at each position after the category to reach six characters.
    const need = 6 - body.length;
    if (need <= 0) return undefined;
    const candidates = new Set<string>();
    for (let pos = 3; pos <= body.length; pos++) candidates.add(body.slice(0, pos) + 'X'.repeat(need) + body.slice(pos));
    for (const c of candidates) {
      const code = normalizeCm(c + ch);
      if (this.nodes.get(code)?.b) return code;
    }
    return undefined;
  }

  /** Nearest billable codes by shared prefix, then edit distance. */
  nearest(code: string, limit = 5): CodeRef[] {
    let pool: string[] = [];
    for (let len = code.length - 1; len >= 3 && pool.length === 0; len--) {
      const prefix = code.slice(0, len);
      pool = this.prefixRange(prefix);
    }
    if (pool.length === 0) pool = this.billable;
    return pool
      .map((c) => ({ c, d: distance(c, code) }))
      .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
      .slice(0, limit)
      .map((x) => this.ref_(x.c));
  }

  /** Billable codes starting with a prefix, in code order. */
  prefixRange(prefix: string): string[] {
    return prefixRange(this.billable, prefix);
  }
}

export const icd10cmLoader: SystemLoader = {
  system: 'icd10cm',
  async load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef) {
    let unpacked: { data: CmCompiled; byCode?: Map<string, CmNode>; children?: Map<string, string[]> };
    try {
      const raw = JSON.parse(await readFile(join(dir, CM_CODES_FILE), 'utf8')) as unknown;
      unpacked = (raw as CmPacked).packed === 2 ? unpackCmIndexed(raw as CmPacked) : { data: fromFile(raw) };
    } catch (e) {
      throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${join(dir, CM_CODES_FILE)}: ${(e as Error).message}`, { path: dir });
    }
    const { data, byCode, children } = unpacked;
    return new Icd10cmRelease(manifest, ref, data, byCode && children ? { byCode, children } : undefined);
  },
};
