import type { NoteKind } from '../lookup.js';
import { normalizeCm } from '../icd10cm/code.js';
import type { CmCompiled } from '../icd10cm/compiled.js';
import type { Notes, TabularData, TabularNode } from '../icd10cm/tabular.js';
import type { IssueLog } from './report.js';
import { sectionIdOf, type TabularChange, type TabularOwner } from './tabular-addenda.js';
import { cleanText, findText, looseKey } from './text.js';
import { noteHeading } from './tabular-addenda.js';

/**
 * The Tabular List as the addenda change it: chapters, sections and codes
 * (no full 7th-character codes; those are implied and rebuilt by
 * compileTabular) with every instructional note. Built from a compiled
 * release, changed in place, turned back into TabularData.
 */

export interface ModelNode {
  code: string;
  title: string;
  parent?: string;
  children: string[];
  /** Section id (categories only). */
  section?: string;
  notes?: Notes;
  seven?: Array<[string, string]>;
}

export interface ModelChapter {
  id: string;
  title: string;
  first: string;
  last: string;
  notes?: Notes;
}

export interface ModelSection extends ModelChapter {
  chapter: string;
}

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function copyNotes(n: Notes | undefined): Notes | undefined {
  if (!n) return undefined;
  const out: Notes = {};
  for (const [k, v] of Object.entries(n)) if (v) out[k as NoteKind] = [...v];
  return out;
}

function rangeOf(id: string): { first: string; last: string } {
  const [first = '', last = first] = id.split('-');
  return { first, last };
}

/** An addendum line (the addendum's index in the run, page, line), or an official order file of a later release. */
export type ChangeSource = { addendum: number; page: number; line: number } | { orderFile: string };

export class TabularModel {
  readonly chapters: ModelChapter[];
  readonly sections: ModelSection[];
  readonly nodes = new Map<string, ModelNode>();
  /** What last changed an entry: keys "code:E11.22", "section:B85-B89", "chapter:1". */
  readonly changedBy = new Map<string, ChangeSource>();

  constructor(base: CmCompiled) {
    this.chapters = base.chapters.map((c) => ({ id: c.id, title: c.title, first: c.first, last: c.last, ...(c.n ? { notes: copyNotes(c.n) } : {}) }));
    this.sections = base.sections.map((s) => ({ id: s.id, title: s.title, chapter: s.chapter, first: s.first, last: s.last, ...(s.n ? { notes: copyNotes(s.n) } : {}) }));
    for (const n of base.nodes) {
      if (n.k === 'extension') continue;
      const node: ModelNode = { code: n.c, title: n.t, children: [] };
      if (n.p) node.parent = n.p;
      if (n.sec) node.section = n.sec;
      if (n.n) node.notes = copyNotes(n.n)!;
      if (n.x) node.seven = n.x.map(([c, m]) => [c, m]);
      this.nodes.set(n.c, node);
    }
    for (const n of this.nodes.values()) if (n.parent) this.nodes.get(n.parent)?.children.push(n.code);
    for (const n of this.nodes.values()) n.children.sort(byCode);
  }

  chapter(id: string): ModelChapter | undefined {
    return this.chapters.find((c) => c.id === id);
  }

  section(id: string): ModelSection | undefined {
    return this.sections.find((s) => s.id === id);
  }

  /** The section whose range holds a category. */
  sectionFor(category: string): ModelSection | undefined {
    return this.sections.find((s) => s.first <= category && category <= s.last);
  }

  /** The nearest existing code above a new one: its longest shorter prefix (placeholder X skipped). */
  parentFor(code: string): ModelNode | undefined {
    const bare = code.replace('.', '');
    for (let len = bare.length - 1; len >= 3; len--) {
      const p = this.nodes.get(normalizeCm(bare.slice(0, len)));
      if (p) return p;
    }
    return undefined;
  }

  /** Remove a code and everything below it; the removed codes are added to `into`. */
  remove(code: string, into?: Set<string>): void {
    const n = this.nodes.get(code);
    if (!n) return;
    for (const c of [...n.children]) this.remove(c, into);
    this.nodes.delete(code);
    into?.add(code);
    if (n.parent) {
      const p = this.nodes.get(n.parent);
      if (p) p.children = p.children.filter((c) => c !== code);
    }
  }

  /** TabularData for compileTabular: nodes in code order, chapter and section filled in. */
  toTabularData(version: number): TabularData {
    const sectionOf = new Map(this.sections.map((s) => [s.id, s]));
    const nodes: TabularNode[] = [];
    const categoryOf = (n: ModelNode): ModelNode => {
      let cur = n;
      while (cur.parent) {
        const p = this.nodes.get(cur.parent);
        if (!p) break;
        cur = p;
      }
      return cur;
    };
    for (const code of [...this.nodes.keys()].sort(byCode)) {
      const n = this.nodes.get(code)!;
      const cat = categoryOf(n);
      const section = cat.section ?? this.sectionFor(cat.code)?.id ?? '';
      const node: TabularNode = { code, title: n.title, children: [...n.children], chapter: sectionOf.get(section)?.chapter ?? '', section };
      if (n.parent) node.parent = n.parent;
      // Copies: the model goes on changing after a year's tabular is taken from it.
      if (n.notes && Object.keys(n.notes).length) node.notes = copyNotes(n.notes)!;
      if (n.seven && n.seven.length) node.sevenChrDef = { chars: n.seven.map(([c, m]) => [c, m]) };
      nodes.push(node);
    }
    return {
      version,
      chapters: this.chapters.map((c) => ({ id: c.id, title: c.title, first: c.first, last: c.last, ...(c.notes && Object.keys(c.notes).length ? { notes: copyNotes(c.notes)! } : {}) })),
      // Sections keep the tabular's order (C7A and C7B come before C76-C80).
      sections: this.sections.map((s) => ({ id: s.id, title: s.title, chapter: s.chapter, first: s.first, last: s.last, ...(s.notes && Object.keys(s.notes).length ? { notes: copyNotes(s.notes)! } : {}) })),
      nodes,
    };
  }
}

/** Where the last note change of a list left off, so an added note follows the one printed above it. */
interface Cursor {
  owner: string;
  kind: NoteKind;
  index: number;
}

const ownerKey = (o: TabularOwner) => `${o.type}:${o.id}`;

/**
 * Apply the changes of one Tabular List addendum to the model. Every change
 * that cannot be applied, and every context line that is not found, goes to
 * the log with the addendum line.
 */
export function applyTabularChanges(model: TabularModel, changes: readonly TabularChange[], log: IssueLog, addendumId: number): void {
  let cursor: Cursor | undefined;
  // Codes this addendum deleted, with what was below them: the addendum goes on to delete those one by one.
  const removed = new Set<string>();
  // The section printed last: a new section follows it.
  let lastSection: string | undefined;

  const notesOf = (o: TabularOwner): { holder: { notes?: Notes }; key: string } | undefined => {
    const holder = o.type === 'code' ? model.nodes.get(o.id) : o.type === 'section' ? model.section(o.id) : model.chapter(o.id);
    if (!holder) return undefined;
    const key = o.type === 'code' ? `code:${o.id}` : ownerKey(o);
    return { holder, key };
  };

  for (const c of changes) {
    const mark = (key: string) => model.changedBy.set(key, { addendum: addendumId, page: c.page, line: c.line });
    switch (c.subject) {
      case 'chapter':
        applyChapter(model, c, log, mark);
        break;
      case 'blocks':
        // A chapter's list of blocks restates its sections, which change on their own lines.
        if (c.action !== 'context') log.applied();
        break;
      case 'section':
        applySection(model, c, log, mark, lastSection);
        lastSection = c.newId ?? c.owner.id;
        break;
      case 'code':
        applyCode(model, c, log, mark, removed);
        cursor = undefined;
        break;
      case 'note': {
        const target = notesOf(c.owner);
        if (!target && c.owner.type === 'code' && removed.has(c.owner.id) && (c.action === 'delete' || c.action === 'context')) {
          // A note of a code deleted above, deleted with it.
          if (c.action === 'delete') log.applied();
          break;
        }
        if (!target) {
          log.add(c.action === 'context' ? 'context' : 'failed', c, `${c.owner.type} ${c.owner.id}, which the note belongs to, is not in the release`);
          break;
        }
        const kind = c.kind ?? 'inclusionTerm';
        const value = c.action === 'add' ? c.new : c.old;
        // A heading printed alone ("Excludes1:") only opens a list.
        if (!value) break;
        const notes = (target.holder.notes ??= {});
        const list = (notes[kind] ??= []);
        const found = findText(list, value);
        const here = `${target.key}/${kind}`;
        if (c.action === 'context') {
          if (found.length === 0) log.add('context', c, `no ${kind} note "${value}" at ${c.owner.id}`);
          else cursor = { owner: here, kind, index: found[0]! };
          break;
        }
        if (c.action === 'add') {
          if (found.length) {
            log.add('warning', c, `${c.owner.id} already has this ${kind} note; not added twice`);
            cursor = { owner: here, kind, index: found[0]! };
            break;
          }
          const at = cursor && cursor.owner === here ? Math.min(cursor.index + 1, list.length) : list.length;
          list.splice(at, 0, cleanText(value));
          cursor = { owner: here, kind, index: at };
          mark(target.key);
          log.applied();
          break;
        }
        if (found.length === 0) {
          // A source file may keep a note under another kind ("Excludes 1: …" as an inclusion term).
          const elsewhere = otherKindHit(notes, kind, value);
          if (!elsewhere) {
            log.add('failed', c, `no ${kind} note "${value}" at ${c.owner.id}`);
            break;
          }
          const other = notes[elsewhere.kind]!;
          log.add('warning', c, `found as a ${elsewhere.kind} note "${other[elsewhere.index]}" at ${c.owner.id}`);
          if (c.action === 'delete') other.splice(elsewhere.index, 1);
          else {
            other.splice(elsewhere.index, 1);
            (notes[c.newKind ?? kind] ??= []).push(cleanText(c.new ?? ''));
          }
          if (other.length === 0) delete notes[elsewhere.kind];
          if (list.length === 0) delete notes[kind];
          mark(target.key);
          break;
        }
        if (found.length > 1) {
          // The same text twice is one note written twice, not an ambiguity.
          if (new Set(found.map((i) => list[i])).size > 1) {
            log.add('failed', c, `${found.length} ${kind} notes at ${c.owner.id} match; none changed`);
            break;
          }
          log.add('warning', c, `${c.owner.id} has this ${kind} note ${found.length} times; the first is changed`);
        }
        const index = found[0]!;
        if (c.action === 'delete') {
          list.splice(index, 1);
          cursor = { owner: here, kind, index: index - 1 };
        } else if (c.newKind && c.newKind !== kind) {
          list.splice(index, 1);
          (notes[c.newKind] ??= []).push(cleanText(c.new ?? ''));
        } else {
          list[index] = cleanText(c.new ?? '');
          cursor = { owner: here, kind, index };
        }
        if (list.length === 0) delete notes[kind];
        mark(target.key);
        if (found.length === 1) log.applied();
        break;
      }
      case 'seventh': {
        const node = c.owner.type === 'code' ? model.nodes.get(c.owner.id) : undefined;
        if (!node) {
          log.add(c.action === 'context' ? 'context' : 'failed', c, `${c.owner.id}, which the 7th characters belong to, is not in the release`);
          break;
        }
        const list = (node.seven ??= []);
        const i = list.findIndex(([ch]) => ch === c.char);
        if (c.action === 'context') {
          if (i < 0) log.add('context', c, `${node.code} has no 7th character ${c.char}`);
          break;
        }
        if (c.action === 'add') {
          if (i >= 0) {
            log.add('warning', c, `${node.code} already defines 7th character ${c.char}; its meaning is replaced`);
            list[i] = [c.char!, cleanText(c.new ?? '')];
          } else {
            list.push([c.char!, cleanText(c.new ?? '')]);
            log.applied();
          }
        } else if (i < 0) {
          log.add('failed', c, `${node.code} has no 7th character ${c.char}`);
          break;
        } else if (c.action === 'delete') {
          list.splice(i, 1);
          log.applied();
        } else {
          list[i] = [c.char!, cleanText(c.new ?? '')];
          log.applied();
        }
        if (list.length === 0) delete node.seven;
        mark(`code:${node.code}`);
        break;
      }
    }
  }
}

function applyChapter(model: TabularModel, c: TabularChange, log: IssueLog, mark: (key: string) => void): void {
  const id = c.owner.id;
  let ch = model.chapter(id);
  const value = c.action === 'add' ? c.new : c.old;
  if (!value) {
    // The "Chapter N" line itself.
    if (c.action === 'add' && !ch) {
      model.chapters.push({ id, title: '', first: '', last: '' });
      mark(`chapter:${id}`);
      log.applied();
    } else if (!ch) log.add(c.action === 'context' ? 'context' : 'failed', c, `chapter ${id} is not in the release`);
    return;
  }
  if (!ch) {
    log.add(c.action === 'context' ? 'context' : 'failed', c, `chapter ${id} is not in the release`);
    return;
  }
  if (c.action === 'context') {
    if (looseKey(ch.title) !== looseKey(value)) log.add('context', c, `chapter ${id} is titled "${ch.title}"`);
    return;
  }
  if (c.action === 'delete') {
    model.chapters.splice(model.chapters.indexOf(ch), 1);
    log.applied();
    return;
  }
  if (c.action === 'revise' && looseKey(ch.title) !== looseKey(c.old ?? '')) log.add('warning', c, `chapter ${id} was titled "${ch.title}"`);
  else log.applied();
  ch = Object.assign(ch, { title: cleanText(c.new ?? '') });
  const r = sectionIdOf(ch.title);
  if (r) Object.assign(ch, rangeOf(r));
  mark(`chapter:${id}`);
}

function applySection(model: TabularModel, c: TabularChange, log: IssueLog, mark: (key: string) => void, after?: string): void {
  const s = model.section(c.owner.id);
  switch (c.action) {
    case 'context':
      if (!s) log.add('context', c, `section ${c.owner.id} is not in the release`);
      return;
    case 'add': {
      if (s) {
        log.add('warning', c, `section ${c.owner.id} is already in the release`);
        return;
      }
      const chapter = c.chapter ?? model.chapters.find((ch) => ch.first <= c.owner.id.slice(0, 3) && c.owner.id.slice(0, 3) <= ch.last)?.id;
      if (!chapter) {
        log.add('failed', c, `no chapter for the new section ${c.owner.id}`);
        return;
      }
      const section = { id: c.owner.id, title: cleanText(c.new ?? ''), chapter, ...rangeOf(c.owner.id) };
      const prior = after ? model.sections.findIndex((x) => x.id === after) : -1;
      const at = prior >= 0 ? prior + 1 : model.sections.findIndex((x) => x.first > section.first);
      model.sections.splice(at < 0 ? model.sections.length : at, 0, section);
      mark(`section:${c.owner.id}`);
      log.applied();
      return;
    }
    case 'delete':
      if (!s) {
        log.add('failed', c, `section ${c.owner.id} is not in the release`);
        return;
      }
      model.sections.splice(model.sections.indexOf(s), 1);
      mark(`section:${c.owner.id}`);
      log.applied();
      return;
    case 'revise': {
      if (!s) {
        log.add('failed', c, `section ${c.owner.id} is not in the release`);
        return;
      }
      if (looseKey(s.title) !== looseKey(c.old ?? '')) log.add('warning', c, `section ${s.id} was titled "${s.title}"`);
      else log.applied();
      s.title = cleanText(c.new ?? '');
      if (c.newId && c.newId !== s.id) {
        const old = s.id;
        s.id = c.newId;
        Object.assign(s, rangeOf(c.newId));
        for (const n of model.nodes.values()) if (n.section === old) n.section = c.newId;
      }
      mark(`section:${s.id}`);
    }
  }
}

function applyCode(model: TabularModel, c: TabularChange, log: IssueLog, mark: (key: string) => void, removed: Set<string>): void {
  const code = c.owner.id;
  const n = model.nodes.get(code);
  switch (c.action) {
    case 'context':
      if (!n && !removed.has(code)) log.add('context', c, `${code} is not in the release`);
      return;
    case 'delete':
      if (!n && removed.has(code)) {
        // Deleted with the code above it.
        log.applied();
        return;
      }
      if (!n) {
        log.add('failed', c, `${code} is not in the release`);
        return;
      }
      model.remove(code, removed);
      mark(`code:${code}`);
      log.applied();
      return;
    case 'revise':
      if (!n) {
        log.add('failed', c, `${code} is not in the release`);
        return;
      }
      if (looseKey(n.title) !== looseKey(c.old ?? '')) log.add('warning', c, `${code} was titled "${n.title}"`);
      else log.applied();
      n.title = cleanText(c.new ?? '');
      mark(`code:${code}`);
      return;
    case 'add': {
      if (n) {
        log.add('warning', c, `${code} is already in the release; its title is set`);
        n.title = cleanText(c.new ?? '');
        mark(`code:${code}`);
        return;
      }
      const node: ModelNode = { code, title: cleanText(c.new ?? ''), children: [] };
      if (code.replace('.', '').length === 3) {
        const s = (c.section ? model.section(c.section) : undefined) ?? model.sectionFor(code);
        if (!s) {
          log.add('failed', c, `no section for the new category ${code}`);
          return;
        }
        node.section = s.id;
        if (code < s.first || code > s.last) log.add('warning', c, `${code} is outside the range of its section ${s.id}`);
      } else {
        const parent = model.parentFor(code);
        if (!parent) {
          log.add('failed', c, `no code above ${code} in the release`);
          return;
        }
        node.parent = parent.code;
        // A new level between a code and codes already below it takes them over.
        const moved = parent.children.filter((k) => k.startsWith(code));
        for (const k of moved) model.nodes.get(k)!.parent = code;
        node.children = moved;
        parent.children = [...parent.children.filter((k) => !k.startsWith(code)), code].sort(byCode);
      }
      model.nodes.set(code, node);
      mark(`code:${code}`);
      log.applied();
    }
  }
}

/** A note text under a kind other than the one printed, found only once: written alone or after its own heading. */
function otherKindHit(notes: Notes, kind: NoteKind, text: string): { kind: NoteKind; index: number } | undefined {
  const want = looseKey(text);
  const hits: Array<{ kind: NoteKind; index: number }> = [];
  for (const [k, list] of Object.entries(notes) as Array<[NoteKind, string[] | undefined]>) {
    if (k === kind || !list) continue;
    list.forEach((t, index) => {
      const h = noteHeading(t);
      if (looseKey(t) === want || (h && looseKey(h.text) === want)) hits.push({ kind: k, index });
    });
  }
  return hits.length === 1 ? hits[0] : undefined;
}
