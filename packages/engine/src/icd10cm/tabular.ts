import type { NoteKind } from '../lookup.js';
import type { ProgressStep } from '../progress.js';
import type { SourceEntry } from '../sources/entry.js';
import { clean, streamXml } from '../util/xml.js';
import { MedcoderError } from '../errors.js';

/** The note elements of the Tabular List, in the order coders read them. */
export const TABULAR_NOTE_KINDS: readonly NoteKind[] = [
  'notes',
  'includes',
  'inclusionTerm',
  'excludes1',
  'excludes2',
  'codeFirst',
  'useAdditionalCode',
  'codeAlso',
  'sevenChrNote',
];
const NOTE_SET = new Set<string>(TABULAR_NOTE_KINDS);

export type Notes = Partial<Record<NoteKind, string[]>>;

export interface SevenChrDef {
  /** [character, meaning] in tabular order. */
  chars: Array<[string, string]>;
}

export interface TabularNode {
  code: string;
  title: string;
  /** Parent code; for categories, undefined (their section is `section`). */
  parent?: string;
  children: string[];
  chapter: string;
  section: string;
  notes?: Notes;
  sevenChrDef?: SevenChrDef;
}

export interface TabularChapter {
  id: string;
  title: string;
  first: string;
  last: string;
  notes?: Notes;
}

export interface TabularSection {
  id: string;
  title: string;
  chapter: string;
  first: string;
  last: string;
  notes?: Notes;
}

export interface TabularData {
  version: number;
  chapters: TabularChapter[];
  sections: TabularSection[];
  /** Every `<diag>` in document order. */
  nodes: TabularNode[];
}

interface Frame {
  kind: 'chapter' | 'section' | 'diag';
  name?: string;
  desc?: string;
  notes: Notes;
  sevenChr?: SevenChrDef;
  children: string[];
  sectionIdAttr?: string;
}

/**
 * Stream the ICD-10-CM Tabular List XML (root `ICD10CM.tabular`) into
 * chapters, sections and codes with every instructional note.
 */
export async function parseTabular(entry: SourceEntry, step?: ProgressStep): Promise<TabularData> {
  const data: TabularData = { version: 0, chapters: [], sections: [], nodes: [] };
  const frames: Frame[] = [];
  let chapter: TabularChapter | undefined;
  let section: TabularSection | undefined;
  // Pending note container (e.g. inside <excludes1>) and the 7th character def being read.
  let noteKind: NoteKind | undefined;
  let inSevenDef = false;
  let inIntro = 0;

  const top = () => frames[frames.length - 1];
  await streamXml(
    entry,
    {
      open(el) {
        switch (el.name) {
          case 'introduction':
            inIntro++;
            break;
          case 'chapter':
            frames.push({ kind: 'chapter', notes: {}, children: [] });
            break;
          case 'section':
            frames.push({ kind: 'section', notes: {}, children: [], sectionIdAttr: el.attrs.id ?? '' });
            break;
          case 'diag':
            frames.push({ kind: 'diag', notes: {}, children: [] });
            break;
          case 'sevenChrDef':
            inSevenDef = true;
            if (top()) top()!.sevenChr = { chars: [] };
            break;
          default:
            if (NOTE_SET.has(el.name)) noteKind = el.name as NoteKind;
        }
      },
      close(el, stack) {
        if (inIntro) {
          if (el.name === 'introduction') inIntro--;
          return;
        }
        const f = top();
        const parentName = stack[stack.length - 2]?.name;
        switch (el.name) {
          case 'version':
            data.version = Number(clean(el.text));
            return;
          case 'name':
            if (f && (parentName === 'diag' || parentName === 'chapter')) f.name = clean(el.text);
            return;
          case 'desc':
            if (!f || !(parentName === 'diag' || parentName === 'chapter' || parentName === 'section')) return;
            f.desc = clean(el.text);
            if (parentName === 'chapter') {
              const range = /\(([A-Z][0-9][0-9A-Z])-([A-Z][0-9][0-9A-Z])\)\s*$/.exec(f.desc);
              chapter = { id: f.name ?? String(data.chapters.length + 1), title: f.desc, first: range?.[1] ?? '', last: range?.[2] ?? '' };
              data.chapters.push(chapter);
            } else if (parentName === 'section') {
              const id = f.sectionIdAttr ?? '';
              const [first = '', last = first] = id.split('-');
              section = { id, title: f.desc, chapter: chapter?.id ?? '', first, last };
              data.sections.push(section);
            }
            return;
          case 'extension':
            if (inSevenDef && f?.sevenChr && el.attrs.char) f.sevenChr.chars.push([el.attrs.char.toUpperCase(), clean(el.text)]);
            return;
          case 'note':
            if (inSevenDef) return; // explanatory lines inside a 7th-character list (e.g. "open fracture NOS")
            if (noteKind && f) (f.notes[noteKind] ??= []).push(clean(el.text));
            return;
          case 'sevenChrDef':
            inSevenDef = false;
            return;
          case 'chapter': {
            frames.pop();
            if (chapter) chapter.notes = nonEmpty(f?.notes);
            chapter = undefined;
            return;
          }
          case 'section': {
            frames.pop();
            if (section) section.notes = nonEmpty(f?.notes);
            section = undefined;
            return;
          }
          case 'diag': {
            frames.pop();
            if (!f?.name) throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: a <diag> without <name>`, { file: entry.path, element: 'diag' });
            const parent = top();
            const node: TabularNode = {
              code: f.name.toUpperCase(),
              title: f.desc ?? '',
              children: f.children,
              chapter: chapter?.id ?? '',
              section: section?.id ?? '',
            };
            if (parent?.kind === 'diag') node.parent = parent.name;
            const notes = nonEmpty(f.notes);
            if (notes) node.notes = notes;
            if (f.sevenChr && f.sevenChr.chars.length) node.sevenChrDef = f.sevenChr;
            parent?.children.push(node.code);
            data.nodes.push(node);
            return;
          }
          default:
            if (NOTE_SET.has(el.name)) noteKind = undefined;
        }
      },
    },
    step,
  );
  return data;
}

function nonEmpty(n: Notes | undefined): Notes | undefined {
  return n && Object.keys(n).length ? n : undefined;
}
