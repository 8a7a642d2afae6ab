import { resolve } from 'node:path';
import { Command } from 'commander';
import { CodeSets, defaultHome, importReleases } from '@medcoder/engine';
import { println, printJson } from '../output.js';
import { setExit } from '../program.js';
import { stderrProgress } from '../progress.js';

/** `medcoder serve`: the coder workstation (server + web app). */
export function serveCommand(): Command {
  return new Command('serve')
    .description('start the coder workstation: compile code sets if needed, open the database, serve the API and web app')
    .option('--host <host>', 'address to listen on', process.env['HOST'] ?? '127.0.0.1')
    .option('--port <port>', 'port', process.env['PORT'] ?? '8080')
    .option('--workers <n>', 'coding workers in this process', '2')
    .option('--no-demo', 'do not add the demo users and encounters to an empty database')
    .option('--no-import', 'do not compile new or changed code-set releases before starting')
    .action(async (opts: { host: string; port: string; workers: string; demo: boolean; import: boolean }) => {
      const home = defaultHome();
      // compile the releases that are new or changed (unchanged ones are kept), as `medcoder start` does
      if (opts.import) await importReleases({ progress: stderrProgress() });
      else if ((await CodeSets.open({ home })).releases().length === 0) throw new Error(`no code sets are compiled in ${home}; run without --no-import`);
      const { startServer, seedDemo } = await import('@medcoder/server');
      const s = await startServer({
        home,
        host: opts.host,
        port: Number(opts.port),
        workers: Number(opts.workers),
        logger: { level: process.env['LOG_LEVEL'] ?? 'warn' },
        onAdmin: (a) => {
          if (!a.created) return;
          if (a.password) println(`First administrator created: user "${a.username}", one-time password ${a.password}\n(shown once; set MEDCODER_ADMIN_USER / MEDCODER_ADMIN_PASSWORD to choose them)`);
          else println(`First administrator created from MEDCODER_ADMIN_USER / MEDCODER_ADMIN_PASSWORD: "${a.username}"`);
        },
      });
      if (opts.demo) {
        const d = await seedDemo(s.ctx);
        if (d.seeded) println(`Demo: ${d.encounters} encounters and users coder, coder2, auditor, manager with password ${d.password} (shown once)`);
      }
      println(`medcoder workstation on ${s.url} (${s.ctx.db.dialect}: ${s.ctx.db.where}); API documentation at ${s.url}/docs`);
      const stop = async () => {
        await s.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      await new Promise(() => undefined);
    });
}

/** `medcoder ingest DIR`: a folder of notes (and an optional manifest.json) becomes encounters. */
export function ingestCommand(): Command {
  return new Command('ingest')
    .description('add encounters from a folder: one per file or sub-folder, or as manifest.json says; coding is queued')
    .argument('<dir>', 'the folder')
    .option('--setting <setting>', 'inpatient | outpatient | emergency | professional (without a manifest)', 'outpatient')
    .option('--json', 'JSON output')
    .action(async (dir: string, opts: { setting: string; json?: boolean }) => {
      const { createServer, ingestDirectory } = await import('@medcoder/server');
      const s = await createServer({ runWorkers: false });
      try {
        const r = await ingestDirectory(s.ctx, resolve(dir), { setting: opts.setting as 'outpatient', ...(opts.json ? {} : { onProgress: (l: string) => process.stderr.write(`${l}\n`) }) });
        if (opts.json) printJson(r);
        else println(`${r.created.length} encounters created, ${r.skipped.length} skipped (already ingested); a running server codes them`);
      } finally {
        await s.close();
      }
    });
}

/** `medcoder audit-trail verify`: recompute the hash chain. */
export function auditTrailCommand(): Command {
  const cmd = new Command('audit-trail').description('the append-only audit trail');
  cmd
    .command('verify')
    .description('recompute the hash chain of the audit trail; exit 1 when it was tampered with')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }, c: Command) => {
      const { connect, verifyTrail } = await import('@medcoder/server');
      const db = await connect({ url: process.env['DATABASE_URL'], home: defaultHome() });
      try {
        const r = await verifyTrail(db);
        if (opts.json) printJson(r);
        else if (r.ok) println(`audit trail intact: ${r.rows} entries, hash chain verified`);
        else println(`AUDIT TRAIL TAMPERED: ${r.brokenAt!.reason} (checked ${r.rows} entries)`);
        if (!r.ok) setExit(c, 1);
      } finally {
        await db.close();
      }
    });
  return cmd;
}
