import cluster from 'node:cluster';
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
    .option('--workers <n>', 'background jobs run at once in this process', '2')
    .option('--coding-threads <n>', 'threads that run the engine\'s coding in each process (default: the cores divided among the instances)', process.env['MEDCODER_CODING_THREADS'])
    .option('--no-demo', 'do not add the demo users and encounters to an empty database')
    .option('--no-import', 'do not compile new or changed code-set releases before starting')
    .option('--instances <n>', 'server processes sharing the port and the database (node:cluster); use the cores', process.env['MEDCODER_INSTANCES'] ?? '1')
    .action(async (opts: { host: string; port: string; workers: string; codingThreads?: string; demo: boolean; import: boolean; instances: string }) => {
      const home = defaultHome();
      const instances = Math.max(1, Number(opts.instances) || 1);
      const { startServer, seedDemo, connect, ensureAdmin, defaultCodingThreads } = await import('@medcoder/server');
      const codingThreads = opts.codingThreads !== undefined ? Math.max(0, Number(opts.codingThreads) || 0) : defaultCodingThreads(instances);
      const listen = { home, host: opts.host, port: Number(opts.port), workers: Number(opts.workers), codingThreads, logger: { level: process.env['LOG_LEVEL'] ?? 'warn' } };
      if (cluster.isWorker) {
        // a worker of `--instances N`: the primary prepared the code sets, the database and the first users
        const s = await startServer(listen);
        process.send?.({ listening: s.url });
        const stop = () => void s.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        return new Promise(() => undefined);
      }
      // compile the releases that are new or changed (unchanged ones are kept), as `medcoder start` does
      if (opts.import) await importReleases({ progress: stderrProgress() });
      else if ((await CodeSets.open({ home })).releases().length === 0) throw new Error(`no code sets are compiled in ${home}; run without --no-import`);
      const printAdmin = (a: Awaited<ReturnType<typeof ensureAdmin>>) => {
        if (!a.created) return;
        if (a.password) println(`First administrator created: user "${a.username}", one-time password ${a.password}\n(shown once; set MEDCODER_ADMIN_USER / MEDCODER_ADMIN_PASSWORD to choose them)`);
        else println(`First administrator created from MEDCODER_ADMIN_USER / MEDCODER_ADMIN_PASSWORD: "${a.username}"`);
      };
      const printDemo = (d: Awaited<ReturnType<typeof seedDemo>>) => {
        if (d.seeded) println(`Demo: ${d.encounters} encounters and users coder, coder2, auditor, manager with password ${d.password} (shown once)`);
      };
      if (instances > 1) {
        const db = await connect({ url: process.env['DATABASE_URL'], home });
        printAdmin(await ensureAdmin(db));
        if (opts.demo) {
          // demo encounters are queued here and coded by the instances
          const { createServer } = await import('@medcoder/server');
          const s = await createServer({ home, db, runWorkers: false });
          printDemo(await seedDemo(s.ctx));
          await s.close();
        }
        const where = db.where;
        const dialect = db.dialect;
        await db.close();
        let url = '';
        let up = 0;
        for (let i = 0; i < instances; i++) {
          const w = cluster.fork();
          w.on('message', (m: { listening?: string }) => {
            if (m.listening && ++up === instances) {
              url = m.listening;
              println(`medcoder workstation on ${url} (${instances} instances, ${dialect}: ${where}); API documentation at ${url}/docs`);
            }
          });
        }
        cluster.on('exit', (w, code) => {
          if (code !== 0) process.stderr.write(`medcoder: instance ${w.process.pid} stopped (exit ${code})\n`);
        });
        const stop = () => {
          for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
          setTimeout(() => process.exit(0), 2000).unref();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return new Promise(() => undefined);
      }
      const s = await startServer({ ...listen, onAdmin: printAdmin });
      if (opts.demo) printDemo(await seedDemo(s.ctx));
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
