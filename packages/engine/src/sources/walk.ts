import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { MedcoderError } from '../errors.js';
import type { SourceEntry } from './entry.js';

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err || !zip ? reject(err) : resolve(zip)));
  });
}

interface ZipMember { name: string; size: number }

async function listZip(file: string): Promise<ZipMember[]> {
  const zip = await openZip(file);
  try {
    return await new Promise<ZipMember[]>((resolve, reject) => {
      const out: ZipMember[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/')) out.push({ name: e.fileName, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

async function openZipMember(file: string, member: string): Promise<Readable> {
  const zip = await openZip(file);
  return new Promise<Readable>((resolve, reject) => {
    let found = false;
    zip.on('entry', (e: yauzl.Entry) => {
      if (e.fileName !== member) return zip.readEntry();
      found = true;
      zip.openReadStream(e, (err, stream) => {
        if (err || !stream) {
          zip.close();
          return reject(err);
        }
        stream.on('close', () => zip.close());
        stream.on('end', () => zip.close());
        resolve(stream);
      });
    });
    zip.on('end', () => {
      if (!found) {
        zip.close();
        reject(new MedcoderError('SOURCE_UNREADABLE', `${member} not found in ${file}`));
      }
    });
    zip.on('error', reject);
    zip.readEntry();
  });
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

const SKIP_EXT = /\.(pdf|xlsx|xls|docx?|xsd|md|prn|png|jpe?g)$/i;

export interface WalkNote { path: string; note: string }

export interface WalkOptions {
  /** List PDF files and members as entries instead of skipping them (the addenda are PDFs). */
  includePdf?: boolean;
}

/**
 * List every readable entry below a release folder: plain files, zip members
 * (one level), and gzip content. Formats medcoder cannot read at all (PDF,
 * spreadsheets, Word) are reported as skipped notes; content detection
 * decides about the rest.
 */
export async function walkSources(root: string, opts: WalkOptions = {}): Promise<{ entries: SourceEntry[]; skipped: WalkNote[] }> {
  // PDF members are documents to the importer; the addenda reader asks for them.
  const skip = (name: string) => SKIP_EXT.test(name) && !(opts.includePdf && /\.pdf$/i.test(name));
  const entries: SourceEntry[] = [];
  const skipped: WalkNote[] = [];
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw new MedcoderError('NO_RELEASES_FOUND', `release folder ${root} does not exist or is not a folder`, { path: root });
  }
  async function visit(dir: string): Promise<void> {
    const items = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const item of items) {
      const full = join(dir, item.name);
      const rel = relative(root, full).split(sep).join('/');
      if (item.isDirectory()) {
        await visit(full);
        continue;
      }
      if (!item.isFile()) continue;
      const relDir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      if (/\.zip$/i.test(item.name)) {
        let members: ZipMember[];
        try {
          members = await listZip(full);
        } catch (e) {
          skipped.push({ path: rel, note: `unreadable zip archive: ${(e as Error).message}` });
          continue;
        }
        for (const m of members) {
          const display = `${rel}!${m.name}`;
          if (skip(m.name)) {
            skipped.push({ path: display, note: 'document or spreadsheet, not a release data file' });
            continue;
          }
          entries.push({
            path: display,
            name: baseName(m.name),
            context: `${relDir}/${item.name}`,
            size: m.size,
            open: () => openZipMember(full, m.name),
          });
        }
        continue;
      }
      if (skip(item.name)) {
        skipped.push({ path: rel, note: 'document or spreadsheet, not a release data file' });
        continue;
      }
      const size = (await stat(full)).size;
      if (/\.gz$/i.test(item.name)) {
        entries.push({
          path: rel,
          name: item.name.replace(/\.gz$/i, ''),
          context: relDir,
          size: undefined,
          open: async () => createReadStream(full).pipe(createGunzip()),
        });
        continue;
      }
      entries.push({ path: rel, name: item.name, context: relDir, size, open: async () => createReadStream(full) });
    }
  }
  await visit(root);
  return { entries, skipped };
}
