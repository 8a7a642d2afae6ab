import { join } from 'node:path';
import { Command } from 'commander';
import {
  ADDENDA_REPORT_FILE,
  ADDENDUM_LABELS,
  MedcoderError,
  defaultHome,
  diffReleases,
  runRollForward,
  type ApplyIssue,
  type ReleaseDiff,
  type RollForwardReport,
} from '@medcoder/engine';
import { stderrProgress } from '../progress.js';

/**
 * Output is gathered and written at once, and the command waits until it is
 * handed to the OS: the process exits right after, and a large JSON on a pipe
 * would otherwise be cut short.
 */
let out: string[] = [];
const println = (line = '') => void out.push(line);
function flush(): Promise<void> {
  const text = out.length ? `${out.join('\n')}\n` : '';
  out = [];
  return new Promise((resolve, reject) => (text ? process.stdout.write(text, (e) => (e ? reject(e) : resolve())) : resolve()));
}
function printJson(value: unknown): Promise<void> {
  out.push(JSON.stringify(value, null, 2));
  return flush();
}

/**
 * `medcoder codesets roll-forward` and `medcoder codesets diff`: bring
 * ICD-10-CM forward with the official addenda, and show what changed between
 * two releases.
 */
export function addRollForwardCommands(codesets: Command): void {
  codesets.addCommand(rollForwardCommand());
  codesets.addCommand(diffCommand());
}

const n = (x: number) => x.toLocaleString('en-US');

function year(value: string): number {
  const y = Number(value.replace(/^FY/i, ''));
  if (!Number.isInteger(y) || y < 2016 || y > 2100) throw new MedcoderError('INVALID_ARGUMENT', `--to must be a fiscal year such as 2026, got "${value}"`, { field: 'to' });
  return y;
}

function issueLine(i: ApplyIssue): string {
  const printed = i.printed.replace(/\n/g, ' / ');
  return `${i.update} ${ADDENDUM_LABELS[i.kind]} p.${i.page} l.${i.line}: ${printed.length > 110 ? `${printed.slice(0, 107)}...` : printed}\n      ${i.reason}`;
}

function printReport(r: RollForwardReport, opts: { verbose?: boolean; seconds: number; dryRun?: boolean }): void {
  const written = r.releases[r.releases.length - 1];
  if (opts.dryRun) println(`Dry run: ${r.release} would be written (${opts.seconds.toFixed(1)} s)`);
  else println(`Rolled ICD-10-CM forward into ${r.releases.map((x) => x.id).join(', ')}${written ? ` (${written.effectiveFrom}..${written.effectiveTo})` : ''} in ${opts.seconds.toFixed(1)} s`);
  const tab = r.addenda.filter((a) => a.kind === 'tabular').length;
  println(`  Tabular List: ${r.base.tabular} + ${tab} addenda; indexes and tables: ${r.base.index} + ${r.addenda.length - tab} addenda`);
  println('');
  // context: "No Change" lines whose entry was not found; unread: lines that are not a change.
  println(`  ${'addendum'.padEnd(45)} ${'changes'.padStart(7)} ${'applied'.padStart(7)} ${'failed'.padStart(6)} ${'no ctx'.padStart(7)} ${'warn'.padStart(4)} ${'unread'.padStart(6)}`);
  for (const a of r.addenda) {
    if (a.changes === 0 && a.applied === 0 && a.unparsed === 0) continue;
    println(`  ${`${a.update} ${ADDENDUM_LABELS[a.kind]}`.padEnd(45)} ${String(a.changes).padStart(7)} ${String(a.applied).padStart(7)} ${String(a.failed).padStart(6)} ${String(a.context).padStart(7)} ${String(a.warnings).padStart(4)} ${String(a.unparsed).padStart(6)}`);
  }
  const years = r.steps.filter((s) => s.order);
  if (years.length) {
    println('');
    println('  Billable codes and titles against each year\'s order file, as the addenda left them (mid-year: not in that year\'s order-file addenda either, so an April update or a silent correction):');
    for (const s of years) {
      const o = s.order!;
      println(
        `  ${s.update.padEnd(8)} ${o.release.padEnd(14)} billable ${n(o.billable)} / ${n(o.orderBillable)}  missing ${o.missing.length} (mid-year ${o.midYear.missing.length})  extra ${o.extra.length} (mid-year ${o.midYear.extra.length})  titles ${o.titles.length} (mid-year ${o.midYear.titles.length})  → after the order file: ${o.after.missing.length}/${o.after.extra.length}/${o.after.titles}`,
      );
    }
  }
  if (r.indexCodes) {
    println('');
    const parts = Object.entries(r.indexCodes).map(([k, v]) => `${k} ${v.misses.length} of ${n(v.codes)}${v.misses.length ? ` (${v.misses.slice(0, 5).map((m) => m.code).join(', ')}${v.misses.length > 5 ? ', …' : ''})` : ''}`);
    const rel = Object.values(r.indexCodes)[0]?.release;
    println(`  Index codes that are neither codes nor starts of codes in ${rel}: ${parts.join('; ')}`);
  }
  if (r.tables && Object.keys(r.tables).length) {
    const parts = Object.entries(r.tables).map(([k, v]) => `${k} +${v.added} -${v.deleted} ~${v.changed}`);
    println(`  Tables against the official files of ${Object.values(r.tables)[0]!.release}: ${parts.join('; ')}`);
  }
  const notApplied = r.issues.filter((i) => i.severity === 'failed' || i.severity === 'unparsed');
  const others = r.issues.filter((i) => i.severity === 'context' || i.severity === 'warning');
  println('');
  println(`  Not applied: ${notApplied.length}; context lines not found: ${r.issues.filter((i) => i.severity === 'context').length}; applied with a warning: ${r.issues.filter((i) => i.severity === 'warning').length}`);
  const show = opts.verbose ? notApplied.concat(others) : notApplied.slice(0, 25);
  for (const i of show) println(`    [${i.severity}] ${issueLine(i)}`);
  if (!opts.verbose && (notApplied.length > show.length || others.length)) println('    (--verbose lists every issue)');
  if (!opts.dryRun && r.release) println(`  Report: ${join(r.home, 'releases', r.release, ADDENDA_REPORT_FILE)}`);
}

function rollForwardCommand(): Command {
  return new Command('roll-forward')
    .description('apply the official ICD-10-CM addenda year by year to a compiled tabular and index, and write a derived release')
    .option('--from <release>', 'release whose Tabular List to start from (default: the newest with its own tabular)')
    .option('--index-from <release>', 'release whose Alphabetic Index and tables to start from (default: the newest with its own index)')
    .option('--addenda <dir...>', 'folders with the addenda PDFs, zips included (default: MEDCODER_RELEASES, else ../shared/codesets)')
    .option('--to <year>', 'last fiscal year to apply (default: the newest found)')
    .option('--each-year', 'also write a release for every update on the way, not only the last')
    .option('--dry-run', 'apply and report, write nothing')
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .option('-v, --verbose', 'list every issue, context lines and warnings included')
    .action(async (opts: { from?: string; indexFrom?: string; addenda?: string[]; to?: string; eachYear?: boolean; dryRun?: boolean; json?: boolean; quiet?: boolean; verbose?: boolean }) => {
      const started = Date.now();
      const report = await runRollForward({
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.indexFrom ? { indexFrom: opts.indexFrom } : {}),
        ...(opts.addenda ? { addenda: opts.addenda } : {}),
        ...(opts.to ? { to: year(opts.to) } : {}),
        eachUpdate: Boolean(opts.eachYear),
        dryRun: Boolean(opts.dryRun),
        progress: stderrProgress({ quiet: Boolean(opts.quiet) || Boolean(opts.json) }),
      });
      if (opts.json) return printJson(report);
      printReport(report, { verbose: Boolean(opts.verbose), seconds: (Date.now() - started) / 1000, dryRun: Boolean(opts.dryRun) });
      await flush();
    });
}

function printDiff(d: ReleaseDiff, limit: number): void {
  const more = (total: number) => (total > limit ? `    … ${n(total - limit)} more (--limit or --json)` : undefined);
  const list = <T>(items: T[], line: (x: T) => string) => {
    for (const x of items.slice(0, limit)) println(`    ${line(x)}`);
    const m = more(items.length);
    if (m) println(m);
  };
  println(`${d.from.label} (${d.from.id}) → ${d.to.label} (${d.to.id})`);
  const c = d.codes;
  const addedBillable = c.added.filter((x) => x.billable).length;
  println(`Codes: ${n(c.added.length)} added (${n(addedBillable)} billable), ${n(c.deleted.length)} deleted, ${n(c.retitled.length)} retitled, ${n(c.billable.length)} changed billable status`);
  const headline = (x: { extension: boolean }) => !x.extension;
  println(`  added (without full 7th-character codes, ${n(c.added.filter(headline).length)}):`);
  list(c.added.filter(headline), (x) => `+ ${x.code.padEnd(9)} ${x.title}${x.billable ? '' : '  [header]'}`);
  println(`  deleted (without full 7th-character codes, ${n(c.deleted.filter(headline).length)}):`);
  list(c.deleted.filter(headline), (x) => `- ${x.code.padEnd(9)} ${x.title}`);
  println('  retitled:');
  list(c.retitled.filter((x) => x.code.replace('.', '').length < 7), (x) => `~ ${x.code.padEnd(9)} ${x.from}\n      ${''.padEnd(9)}→ ${x.to}`);
  println(`Instructional notes: ${n(d.notes.length)} changes at ${n(new Set(d.notes.map((x) => x.at)).size)} codes, sections and chapters`);
  list(d.notes, (x) => [...x.added.map((t) => `+ ${x.at.padEnd(9)} ${x.kind}: ${t}`), ...x.removed.map((t) => `- ${x.at.padEnd(9)} ${x.kind}: ${t}`)].join('\n    '));
  for (const [kind, diff] of Object.entries(d.indexes)) {
    if (!diff) continue;
    println(`${ADDENDUM_LABELS[kind as keyof typeof ADDENDUM_LABELS] ?? kind}: ${n(diff.added.length)} entries added, ${n(diff.deleted.length)} deleted, ${n(diff.changed.length)} changed (${diff.fromFile} → ${diff.toFile})`);
    const code = (x: { code?: string; cells?: Array<string | null> }) => (x.code ? ` ${x.code}` : x.cells ? ` [${x.cells.map((v) => v ?? '-').join(' ')}]` : '');
    list(diff.added, (x) => `+ ${x.path}${code(x)}`);
    list(diff.deleted, (x) => `- ${x.path}${code(x)}`);
    list(diff.changed, (x) => `~ ${x.after.path}${code(x.after)} (${x.fields.join(', ')}; was${code(x.before) || ` ${x.before.path}`})`);
  }
}

function diffCommand(): Command {
  return new Command('diff')
    .description('show what changed between two compiled ICD-10-CM releases: codes, titles, notes and index entries')
    .argument('<release-a>', 'the older release id (see "medcoder codesets list")')
    .argument('<release-b>', 'the newer release id')
    .option('--limit <n>', 'lines shown per list', '20')
    .option('--json', 'print the whole difference as JSON')
    .action(async (a: string, b: string, opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 0) throw new MedcoderError('INVALID_ARGUMENT', `--limit must be a whole number, got "${opts.limit}"`, { field: 'limit' });
      const d = await diffReleases(a, b, { home: defaultHome() });
      if (opts.json) return printJson(d);
      printDiff(d, limit);
      await flush();
    });
}
