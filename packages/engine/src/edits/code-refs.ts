/**
 * Code references as the ICD-10-CM Tabular List writes them in its notes:
 *
 *   (E10.-)              E10 and every code below it
 *   (O24.4-)             O24.4 and every code below it
 *   (Z79.4)              Z79.4 (and any code below it, should it have any)
 *   (N18.1-N18.6)        a range, endpoints included with the codes below them
 *   (E08-E13 with .42)   the range's codes whose next characters are 42: E08.42 … E13.42
 *   (B27.0-B27.9 with 1) B27.01, B27.11 … B27.91
 *   (I12.-, I13.-)       several references, comma-separated
 *   code from category Z3A
 *
 * A reference matches codes written without their dot ("bare"), so comparing
 * is a few string operations. The same grammar serves coverage rules (lists of
 * covered diagnoses) and the rule data files.
 */

export interface NoteRef {
  /** The reference as written, e.g. "N18.1-N18.6". */
  text: string;
  /** First code, bare (no dot). */
  from: string;
  /** Last code of a range, bare; absent for a single code. */
  to?: string;
  /** Characters that must follow the range's codes ("with .42" → "42"). */
  withSuffix?: string;
}

const CODE = '[A-Z](?:[0-9][0-9A-Z]|A[0-9])(?:\\.?[0-9A-Z]{1,4})?';
const ITEM = new RegExp(`^(${CODE})(?:\\.?-)?(?:\\s*-\\s*(${CODE})(?:\\.?-)?)?(?:\\s+with\\s+\\.?([0-9A-Z]{1,3}))?$`);

export function bare(code: string): string {
  return code.replace('.', '').toUpperCase();
}

/** Parse one item ("N18.1-N18.6", "E10.-", "E08-E13 with .42"); undefined when it is not a reference. */
export function parseRefItem(item: string): NoteRef | undefined {
  const text = item.trim().replace(/\s+/g, ' ');
  const m = ITEM.exec(text.toUpperCase().replace(/ WITH /, ' with '));
  if (!m) return undefined;
  const ref: NoteRef = { text, from: bare(m[1]!) };
  if (m[2]) ref.to = bare(m[2]);
  if (m[3]) ref.withSuffix = m[3];
  if (ref.to && ref.to < ref.from) return undefined;
  return ref;
}

/**
 * Every code reference in a note's text: the comma-separated items of each
 * parenthesised group that are references, and "category X99" phrases.
 */
export function parseRefs(text: string): NoteRef[] {
  const out: NoteRef[] = [];
  for (const m of text.matchAll(/\(([^()]*)\)/g)) {
    for (const part of m[1]!.split(/,|;/)) {
      const ref = parseRefItem(part);
      if (ref) out.push(ref);
    }
  }
  for (const m of text.matchAll(/\bcategor(?:y|ies)\s+([A-Z][0-9][0-9A-Z])\b/gi)) {
    const from = m[1]!.toUpperCase();
    if (!out.some((r) => r.from === from && !r.to)) out.push({ text: from, from });
  }
  return out;
}

/** Does a bare code fall under a reference? */
export function refMatches(ref: NoteRef, code: string): boolean {
  if (!ref.to) return code.startsWith(ref.from);
  const head = code.slice(0, ref.from.length);
  if (head < ref.from) return false;
  if (code.slice(0, ref.to.length) > ref.to) return false;
  if (ref.withSuffix !== undefined) return code.slice(ref.from.length).startsWith(ref.withSuffix);
  return true;
}

/** Does a bare code fall under any of the references? */
export function anyRefMatches(refs: readonly NoteRef[], code: string): boolean {
  for (const r of refs) if (refMatches(r, code)) return true;
  return false;
}

/** Parse a list written as data ("E11.-", "N18.1-N18.6", "E08-E13 with .42"), refusing items that are not references. */
export function parseRefList(items: readonly string[], where = 'list'): NoteRef[] {
  return items.map((item) => {
    const r = parseRefItem(item);
    if (!r) throw new Error(`${where}: "${item}" is not a code, a code with "-", or a range`);
    return r;
  });
}

/** The reference in the tabular's written form, e.g. "N18.1-N18.6", "E10.-". */
export function refLabel(ref: NoteRef): string {
  return ref.text;
}
