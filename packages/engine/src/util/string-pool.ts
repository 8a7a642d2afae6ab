/** Strings numbered in the order first met, each kept once: the string table of a file being written. */
export class StringPool {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  id(s: string): number {
    let k = this.ids.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.list.push(s);
      this.ids.set(s, k);
    }
    return k;
  }
}
