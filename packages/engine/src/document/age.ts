/**
 * The patient's age as a note states it, the first time it does: "58-year-old",
 * "11 years and 10 months old", "age 7", "aged 70", "34 yo", "a girl of 11
 * years"; "3-month-old" and "10 days old" are age 0. Undefined when the note
 * states none.
 */

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const N = `(\\d{1,3}|${WORDS.join('|')})`;

const YEARS: readonly RegExp[] = [
  new RegExp(`\\b${N}[- ](?:year|yr)s?(?:[- ]and[- ]\\d{1,2}[- ]months?)?[- ]old\\b`, 'i'),
  /\bage(?:d|:)? (\d{1,3})\b/i,
  /\b(\d{1,3}) ?(?:yo|y\/o)\b/i,
  new RegExp(`\\b(?:girl|boy|man|woman|male|female|patient|child|adolescent) (?:of|aged) ${N} (?:years|yrs)\\b`, 'i'),
];
const UNDER_ONE = new RegExp(`\\b${N}[- ](?:month|week|day)s?[- ]old\\b`, 'i');

const value = (n: string): number => (/^\d/.test(n) ? Number(n) : WORDS.indexOf(n.toLowerCase()));

export function ageOf(text: string): number | undefined {
  let at = Infinity;
  let age: number | undefined;
  for (const re of YEARS) {
    const m = re.exec(text);
    if (m && m.index < at) {
      at = m.index;
      age = value(m[1]!);
    }
  }
  const baby = UNDER_ONE.exec(text);
  if (baby && baby.index < at) age = 0;
  return age;
}
