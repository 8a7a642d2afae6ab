/**
 * ICD-10-PCS code grammar. A code is exactly seven characters, each a digit
 * or a letter other than I and O (left out so they are never read as 1 and
 * 0). Characters 1-3 (section, body system, operation) name a table; 4-7
 * come from one row of that table.
 */

/** The characters a PCS code may use. */
export const PCS_CHAR = /^[0-9A-HJ-NP-Z]$/;

/** Sections that exist in ICD-10-PCS (first character). */
export const PCS_SECTION_CHARS = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'B', 'C', 'D', 'F', 'G', 'H', 'X']);

export const PCS_LENGTH = 7;

/** Upper case, with spaces, dots and dashes removed (people write 0DT-J4Z-Z or 0DT.J4ZZ). */
export function normalizePcs(input: string): string {
  return String(input).normalize('NFKC').toUpperCase().replace(/[\s.\-\u2010-\u2015]/g, '');
}

/** True for a full seven-character code or a three-character table key written with PCS characters. */
export function isPcsShaped(code: string): boolean {
  if (code.length !== 3 && code.length !== PCS_LENGTH) return false;
  if (!PCS_SECTION_CHARS.has(code[0]!)) return false;
  for (let i = 1; i < code.length; i++) if (!PCS_CHAR.test(code[i]!)) return false;
  return true;
}

export type PcsShapeProblem = {
  code: 'EMPTY' | 'INVALID_CHARACTER' | 'INVALID_FORMAT';
  message: string;
  position?: number;
  character?: string;
  /** For INVALID_FORMAT: how many characters the input has. */
  length?: number;
};

/**
 * Problems with the written form alone, before any table is consulted: no
 * input, characters PCS never uses (one problem per position), wrong length.
 */
export function pcsShapeProblems(input: string, normalized: string): PcsShapeProblem[] {
  if (normalized.length === 0) return [{ code: 'EMPTY', message: 'no code given' }];
  const out: PcsShapeProblem[] = [];
  for (let i = 0; i < normalized.length && out.length < PCS_LENGTH; i++) {
    const ch = normalized[i]!;
    if (PCS_CHAR.test(ch)) continue;
    const position = i + 1;
    if (ch === 'I' || ch === 'O') {
      out.push({
        code: 'INVALID_CHARACTER',
        position,
        character: ch,
        message: `character ${position} is the letter ${ch}; ICD-10-PCS never uses the letters I and O (did you mean ${ch === 'I' ? '1' : '0'}?)`,
      });
    } else {
      out.push({ code: 'INVALID_CHARACTER', position, character: ch, message: `character ${position} (${JSON.stringify(ch)}) is not a digit or a letter` });
    }
  }
  if (out.length) return out;
  if (normalized.length !== PCS_LENGTH) {
    const shown = String(input).trim();
    return [{ code: 'INVALID_FORMAT', message: `an ICD-10-PCS code has exactly 7 characters; "${shown}" has ${normalized.length}`, length: normalized.length }];
  }
  return [];
}

/** The letters I and O replaced by the digits they are usually mistaken for. */
export function fixLookalikes(code: string): string {
  return code.replace(/I/g, '1').replace(/O/g, '0');
}
