/**
 * National Provider Identifier: ten digits, the last a Luhn check digit
 * computed over the prefix 80840 (the card issuer number of US health
 * identifiers) and the first nine digits.
 */

/** The check digit for the first nine digits of an NPI. */
export function npiCheckDigit(first9: string): number {
  if (!/^\d{9}$/.test(first9)) throw new RangeError(`an NPI check digit is computed from nine digits, got "${first9}"`);
  const digits = `80840${first9}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit from the right, starting with the rightmost.
    let v = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/** What is wrong with an NPI, or undefined when it is well formed. */
export function npiProblem(npi: string): string | undefined {
  if (!/^\d{10}$/.test(npi)) return `an NPI has 10 digits, got "${npi}"`;
  const want = npiCheckDigit(npi.slice(0, 9));
  return want === Number(npi[9]) ? undefined : `NPI ${npi} fails the check digit (Luhn with prefix 80840: the last digit should be ${want})`;
}
