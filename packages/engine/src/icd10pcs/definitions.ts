import type { ProgressStep } from '../progress.js';
import type { SourceEntry } from '../sources/entry.js';
import { clean, streamXml } from '../util/xml.js';
import { MedcoderError } from '../errors.js';

/**
 * One `<terms>` entry of the definitions file. Operation and approach terms
 * carry a definition; body-part, device and substance terms are "keys":
 * several titles (e.g. left and right) and the anatomical or brand names
 * they include.
 */
export interface PcsDefinitionTerm {
  titles: string[];
  definition?: string;
  explanation?: string;
  includes?: string[];
}

export interface PcsDefinitionAxis {
  pos: number;
  title: string;
  terms: PcsDefinitionTerm[];
}

export interface PcsDefinitionSection {
  code: string;
  title: string;
  axes: PcsDefinitionAxis[];
}

/**
 * A device aggregation entry: a specific device name and the general device
 * value it is coded as, for the operations and body systems listed.
 */
export interface PcsDeviceAggregate {
  device: string;
  operations: string[];
  bodySystems: string[];
  parent: { value: string; label: string };
}

export interface PcsDefinitionsData {
  version: number;
  sections: PcsDefinitionSection[];
  aggregates: PcsDeviceAggregate[];
}

/** Stream the ICD-10-PCS definitions XML (root `ICD10PCS.definitions`). */
export async function parsePcsDefinitions(entry: SourceEntry, step?: ProgressStep): Promise<PcsDefinitionsData> {
  const data: PcsDefinitionsData = { version: 0, sections: [], aggregates: [] };
  let section: PcsDefinitionSection | undefined;
  let axis: PcsDefinitionAxis | undefined;
  let term: PcsDefinitionTerm | undefined;
  let aggregate: PcsDeviceAggregate | undefined;
  await streamXml(
    entry,
    {
      open(el) {
        switch (el.name) {
          case 'section':
            section = { code: (el.attrs.code ?? '').trim().toUpperCase(), title: '', axes: [] };
            break;
          case 'axis':
            axis = { pos: Number(el.attrs.pos), title: '', terms: [] };
            break;
          case 'terms':
            term = { titles: [] };
            break;
          case 'aggregate':
            aggregate = { device: '', operations: [], bodySystems: [], parent: { value: '', label: '' } };
            break;
        }
      },
      close(el, stack) {
        const parent = stack[stack.length - 2]?.name;
        const text = clean(el.text);
        switch (el.name) {
          case 'version':
            if (parent === 'ICD10PCS.definitions') data.version = Number(text);
            return;
          case 'title':
            if (parent === 'terms' && term) term.titles.push(text);
            else if (parent === 'axis' && axis) axis.title = text;
            else if (parent === 'section' && section) section.title = text;
            return;
          case 'definition':
            if (term) term.definition = text;
            return;
          case 'explanation':
            if (term) term.explanation = text;
            return;
          case 'includes':
            if (term && text) (term.includes ??= []).push(text);
            return;
          case 'terms':
            if (axis && term && term.titles.length) axis.terms.push(term);
            term = undefined;
            return;
          case 'axis':
            if (section && axis) {
              if (!Number.isInteger(axis.pos) || axis.pos < 1 || axis.pos > 7) {
                throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: <axis> with pos outside 1-7 in section ${section.code}`, { file: entry.path });
              }
              section.axes.push(axis);
            }
            axis = undefined;
            return;
          case 'section':
            if (section) data.sections.push(section);
            section = undefined;
            return;
          case 'device':
            if (aggregate) aggregate.device = text;
            return;
          case 'operation':
            if (aggregate) aggregate.operations.push(text);
            return;
          case 'bodySys':
            if (aggregate) aggregate.bodySystems.push(text);
            return;
          case 'parent':
            if (aggregate) aggregate.parent = { value: (el.attrs.value ?? '').trim().toUpperCase(), label: text };
            return;
          case 'aggregate':
            if (aggregate?.device) data.aggregates.push(aggregate);
            aggregate = undefined;
            return;
        }
      },
    },
    step,
  );
  if (!data.version) throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: no <version> in the definitions file`, { file: entry.path });
  return data;
}

const key = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Finds the definitions term for a table value. Terms are per section and
 * axis, found by the value's label; device terms may be written for one body
 * system ("Cardiac Lead in Heart and Great Vessels") or one operation in one
 * body system ("Cardiac Lead, Defibrillator for Insertion in Heart and Great
 * Vessels"), so those longer titles are tried first.
 */
export class PcsTermFinder {
  private readonly byKey = new Map<string, number>();
  readonly terms: PcsDefinitionTerm[] = [];

  constructor(data: PcsDefinitionsData | undefined) {
    if (!data) return;
    for (const s of data.sections) {
      for (const a of s.axes) {
        for (const t of a.terms) {
          const index = this.terms.length;
          this.terms.push(t);
          for (const title of t.titles) {
            const k = `${s.code}|${a.pos}|${key(title)}`;
            if (!this.byKey.has(k)) this.byKey.set(k, index);
          }
        }
      }
    }
  }

  /** Index into `terms`, or -1. */
  find(section: string, pos: number, label: string, context: { bodySystem: string; operation: string }): number {
    const base = `${section}|${pos}|`;
    const l = key(label);
    const candidates = [`${l} for ${key(context.operation)} in ${key(context.bodySystem)}`, `${l} in ${key(context.bodySystem)}`, l];
    for (const c of candidates) {
      const i = this.byKey.get(base + c);
      if (i !== undefined) return i;
    }
    return -1;
  }
}
