/**
 * A table of distinct strings, each stored once and referred to by its index:
 * compiled edit tables keep one copy of a rationale shared by thousands of rows.
 */
export class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `s`, adding it at the end the first time it is seen. */
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
