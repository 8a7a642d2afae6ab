/**
 * Helpers of the phrase miner (scripts/mine-lexicon.mjs), which learns phrase → code associations
 * from coded notes. Kept in the engine so they are typed and tested.
 */

/**
 * Phrases that only restate a longer one: found in exactly the same documents as a longer phrase
 * holding all their words ("skin mucous" beside "skin mucous membranes"). The longer phrase, which
 * says more, stands for both; left in, the two would share each document's credit when the miner
 * shares a code among the phrases of a note, and neither might keep enough of it.
 *
 * `docsOf`: each phrase key (terms joined by spaces) with the ascending positions of the documents
 * that contain it. Returns the keys to leave out.
 */
export function restatedPhrases(docsOf: ReadonlyMap<string, readonly number[]>): Set<string> {
  const sameDocs = new Map<string, string[]>();
  for (const [key, docs] of docsOf) {
    const sig = docs.join(',');
    const list = sameDocs.get(sig);
    if (list) list.push(key);
    else sameDocs.set(sig, [key]);
  }
  const out = new Set<string>();
  for (const keys of sameDocs.values()) {
    if (keys.length < 2) continue;
    const words = keys.map((k) => k.split(' '));
    keys.forEach((k, i) => {
      const own = words[i]!;
      if (words.some((w, j) => j !== i && w.length > own.length && own.every((x) => w.includes(x)))) out.add(k);
    });
  }
  return out;
}
