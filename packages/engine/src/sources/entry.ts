import type { Readable } from 'node:stream';

/**
 * One readable file found in a release folder: a plain file, a member of a
 * zip archive, or the content of a gzip file. `path` is what messages show,
 * e.g. `icd10cm/FY2017/ICD10CM_FY2017_Full_XML.zip!icd10cm_tabular_2017.xml`.
 */
export interface SourceEntry {
  /** Display path relative to the release folder (zip members after `!`). */
  readonly path: string;
  /** The file's own name (zip member name or file name, `.gz` removed). */
  readonly name: string;
  /** Folder and container path segments above the name, for release hints. */
  readonly context: string;
  /** Uncompressed size in bytes when known. */
  readonly size: number | undefined;
  /** A fresh stream of the uncompressed bytes. */
  open(): Promise<Readable>;
}

export async function readHead(entry: SourceEntry, bytes = 65536): Promise<Buffer> {
  const stream = await entry.open();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      chunks.push(b);
      total += b.length;
      if (total >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

export async function readAll(entry: SourceEntry): Promise<Buffer> {
  const stream = await entry.open();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Read a text file in the encoding CMS and CDC use for their fixed-width files. */
export async function readText(entry: SourceEntry, encoding: 'utf8' | 'latin1' = 'utf8'): Promise<string> {
  const buf = await readAll(entry);
  return buf.toString(encoding);
}

/** Iterate the lines of an entry (CRLF or LF), decoded as given. */
export async function* readLines(entry: SourceEntry, encoding: 'utf8' | 'latin1' = 'utf8'): AsyncGenerator<string> {
  const stream = await entry.open();
  let rest = '';
  const decoder = new TextDecoder(encoding === 'latin1' ? 'windows-1252' : 'utf-8');
  for await (const chunk of stream) {
    rest += decoder.decode(chunk as Buffer, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      let line = rest.slice(0, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      yield line;
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
