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
  /** Upper end of a suffix range ("with .51-.52" → "52"). */
  withSuffixTo?: string;
  /** "with fifth or sixth character 5": one of these 0-based positions holds one of these characters. */
  charAt?: { positions: number[]; chars: string[] };
  /** "with fifth to sixth characters 51": the characters from this 0-based position read so. */
  charsFrom?: { position: number; value: string };
}

const CODE = '[A-Z](?:[0-9][0-9A-Z]|A[0-9])(?:\\.?[0-9A-Z]{1,4})?';
const CODES = new RegExp(`^(${CODE})(?:\\.?-)?(?:\\s*-\\s*(${CODE})(?:\\.?-)?)?$`);
const ORDINALS: Record<string, number> = { fourth: 3, fifth: 4, sixth: 5, six: 5, seventh: 6 };

export function bare(code: string): string {
  return code.replace('.', '').toUpperCase();
}

/** "1-4 or 6" → 1, 2, 3, 4, 6 */
function charList(text: string): string[] | undefined {
  const out: string[] = [];
  for (const part of text.split(/\s*(?:,|\bor\b|\band\b)\s*/)) {
    const m = /^([0-9A-Z])(?:-([0-9A-Z]))?$/.exec(part.trim());
    if (!m) return undefined;
    if (!m[2]) out.push(m[1]!);
    else for (let c = m[1]!.charCodeAt(0); c <= m[2].charCodeAt(0); c++) out.push(String.fromCharCode(c));
  }
  return out.length ? out : undefined;
}

/** The "with …" clause of a reference; false when it cannot be read. */
function withClause(ref: NoteRef, clause: string): boolean {
  const suffix = /^\.?([0-9A-Z]{1,3})-?(?:\s*-\s*\.?([0-9A-Z]{1,3})-?)?$/.exec(clause);
  if (suffix) {
    ref.withSuffix = suffix[1]!;
    if (suffix[2]) ref.withSuffixTo = suffix[2];
    return true;
  }
  const either = /^(fourth|fifth|sixth|six|seventh)(?:\s+or\s+(fourth|fifth|sixth|six|seventh))?\s+characters?\s+(.+)$/i.exec(clause);
  if (either) {
    const chars = charList(either[3]!);
    if (!chars) return false;
    const positions = [ORDINALS[either[1]!.toLowerCase()]!];
    if (either[2]) positions.push(ORDINALS[either[2].toLowerCase()]!);
    ref.charAt = { positions, chars };
    return true;
  }
  const span = /^(fourth|fifth|sixth)\s+(?:to|and)\s+(fifth|sixth|seventh)\s+characters?\s+([0-9A-Z]+)$/i.exec(clause);
  if (span) {
    ref.charsFrom = { position: ORDINALS[span[1]!.toLowerCase()]!, value: span[3]! };
    return true;
  }
  return false;
}

/** Parse one item ("N18.1-N18.6", "E10.-", "E08-E13 with .42"); undefined when it is not a reference. */
export function parseRefItem(item: string): NoteRef | undefined {
  const text = item.trim().replace(/\s+/g, ' ');
  const [codes, clause] = text.split(/ with /i, 2) as [string, string | undefined];
  // "F11.-F17.-": the dash of the first code also separates the range.
  const m = CODES.exec(codes.toUpperCase().replace(/\.-\s*(?=[A-Z])/, '-'));
  if (!m) return undefined;
  const ref: NoteRef = { text, from: bare(m[1]!) };
  if (m[2]) ref.to = bare(m[2]);
  if (ref.to && ref.to < ref.from) return undefined;
  if (clause !== undefined && !withClause(ref, clause.trim())) return undefined;
  return ref;
}

/**
 * Every code reference in a note's text: the comma-separated items of each
 * parenthesised group that are references, and "category X99" phrases.
 */
export function parseRefs(text: string): NoteRef[] {
  const out: NoteRef[] = [];
  for (const m of text.matchAll(/\(([^()]*)\)/g)) {
    // Items are comma-separated; the tabular sometimes writes a period instead ("I82.62-. I82.72-").
    for (const part of m[1]!.split(/,|;|\.\s+(?=[A-Z][0-9])/)) {
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

/**
 * Compare the first `bound.length` characters of `code` with `bound` (shorter codes compare as their
 * whole), without building substrings: -1, 0 or 1.
 */
function comparePrefix(code: string, bound: string): number {
  const n = bound.length;
  for (let i = 0; i < n; i++) {
    if (i >= code.length) return -1;
    const a = code.charCodeAt(i);
    const b = bound.charCodeAt(i);
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Does a bare code fall under a reference? */
export function refMatches(ref: NoteRef, code: string): boolean {
  if (!ref.to) {
    if (!code.startsWith(ref.from)) return false;
  } else {
    if (comparePrefix(code, ref.from) < 0) return false;
    if (comparePrefix(code, ref.to) > 0) return false;
  }
  if (ref.withSuffix !== undefined) {
    const len = ref.to ? Math.max(ref.from.length, ref.to.length) : ref.from.length;
    const rest = code.slice(len);
    if (ref.withSuffixTo === undefined) return rest.startsWith(ref.withSuffix);
    const head = rest.slice(0, ref.withSuffix.length);
    return head.length === ref.withSuffix.length && head >= ref.withSuffix && rest.slice(0, ref.withSuffixTo.length) <= ref.withSuffixTo;
  }
  if (ref.charAt) return ref.charAt.positions.some((p) => ref.charAt!.chars.includes(code.charAt(p)));
  if (ref.charsFrom) return code.startsWith(ref.charsFrom.value, ref.charsFrom.position);
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
