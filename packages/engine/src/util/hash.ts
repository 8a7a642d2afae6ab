import { createHash } from 'node:crypto';
import type { SourceEntry } from '../sources/entry.js';

export async function hashEntry(entry: SourceEntry): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  const stream = await entry.open();
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}
