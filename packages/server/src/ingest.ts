/**
 * `medcoder ingest DIR`: a folder of notes becomes encounters.
 * - With DIR/manifest.json ({ encounters: [{ externalId, patient, setting,
 *   serviceFrom, serviceTo?, provider?, payer?, documents: ["file", …] }] }),
 *   the manifest says which files make each encounter.
 * - Without one, each file (.txt, .pdf, .png, .jpg, .tif) is one encounter and
 *   each sub-folder is one encounter with all its files; the patient is named
 *   after the file or folder and the date of service is the file's date.
 * Encounters whose externalId exists are skipped, so ingesting twice is safe.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import type { AppContext } from './context.js';
import { CreateEncounterBody, PatientIn, Setting } from './api/schemas.js';
import { createEncounter, type IncomingDocument } from './services/encounters.js';
import { mimeFromName } from './documents/extract.js';
import { HttpProblem } from './errors.js';

const DOC_EXT = new Set(['.txt', '.text', '.md', '.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff']);

const ManifestEntry = CreateEncounterBody.omit({ documents: true, patient: true }).extend({
  patient: PatientIn,
  documents: z.array(z.union([z.string(), z.object({ file: z.string(), title: z.string().optional() })])).min(1),
});
const Manifest = z.object({ encounters: z.array(ManifestEntry) });

export interface IngestReport {
  created: Array<{ id: number; externalId: string; documents: number }>;
  skipped: Array<{ externalId: string; reason: string }>;
}

async function doc(dir: string, file: string, title?: string): Promise<IncomingDocument> {
  const path = join(dir, file);
  const mime = mimeFromName(file);
  const content = await readFile(path);
  return mime.startsWith('text/') ? { title: title ?? basename(file), text: content.toString('utf8') } : { title: title ?? basename(file), content, mime };
}

export async function ingestDirectory(ctx: AppContext, dir: string, opts: { user?: { id: number; username: string } | null; setting?: z.infer<typeof Setting>; onProgress?: (line: string) => void } = {}): Promise<IngestReport> {
  const report: IngestReport = { created: [], skipped: [] };
  const user = opts.user ? { ...opts.user, displayName: opts.user.username, role: 'admin' as const } : null;
  const submit = async (externalId: string, body: Parameters<typeof createEncounter>[2]) => {
    try {
      const r = await createEncounter(ctx, user, body);
      report.created.push({ id: r.id, externalId, documents: body.documents.length });
      opts.onProgress?.(`created encounter ${r.id} (${externalId}, ${body.documents.length} document${body.documents.length > 1 ? 's' : ''})`);
    } catch (e) {
      if (e instanceof HttpProblem && e.extra.code === 'DUPLICATE') report.skipped.push({ externalId, reason: 'already ingested' });
      else throw e;
    }
  };
  const manifestPath = join(dir, 'manifest.json');
  const hasManifest = await stat(manifestPath).then(() => true, () => false);
  if (hasManifest) {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(manifestPath, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${manifestPath}: ${issue.path.join('.')}: ${issue.message}`);
    }
    for (const [i, e] of parsed.data.encounters.entries()) {
      const externalId = e.externalId ?? `${basename(dir)}-${i + 1}`;
      const documents = await Promise.all(e.documents.map((d) => (typeof d === 'string' ? doc(dir, d) : doc(dir, d.file, d.title))));
      await submit(externalId, { ...e, externalId, documents });
    }
    return report;
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const ent of entries) {
    const name = ent.name;
    if (name.startsWith('.')) continue;
    let files: Array<{ dir: string; file: string }>;
    if (ent.isDirectory()) {
      files = (await readdir(join(dir, name))).filter((f) => DOC_EXT.has(extname(f).toLowerCase())).sort().map((f) => ({ dir: join(dir, name), file: f }));
    } else if (DOC_EXT.has(extname(name).toLowerCase())) files = [{ dir, file: name }];
    else continue;
    if (!files.length) continue;
    const st = await stat(join(dir, name));
    const stem = ent.isDirectory() ? name : name.slice(0, -extname(name).length);
    const externalId = `${basename(dir)}/${stem}`;
    const documents = await Promise.all(files.map((f) => doc(f.dir, f.file)));
    await submit(externalId, {
      externalId, patient: { mrn: stem.slice(0, 40), name: stem.replace(/[-_]+/g, ' ') }, setting: opts.setting ?? 'outpatient',
      serviceFrom: st.mtime.toISOString().slice(0, 10), documents,
    });
  }
  return report;
}
