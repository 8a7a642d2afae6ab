import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import {
  cms1500Pdf, crossCheck, fhirClaim, generate837, guideFor, MedcoderError, parse837, preflight,
  type Build837Options, type Claim, type ClaimInput, type Parsed837, type PreflightResult, type X12Guide,
} from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';

const FORMATS = ['837p', '837i', 'cms1500', 'fhir'] as const;
type Format = (typeof FORMATS)[number];

interface WriteOptions {
  format: string;
  output?: string;
  envelope?: string;
  sender?: string;
  receiver?: string;
  usage?: string;
  controlNumber?: string;
  date?: string;
  json?: boolean;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new MedcoderError('INVALID_ARGUMENT', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MedcoderError('INVALID_ARGUMENT', `${path} is not JSON: ${(e as Error).message}`);
  }
}

function printIssues(results: readonly PreflightResult[], ids: readonly string[]): void {
  results.forEach((r, i) => {
    for (const issue of r.issues) process.stderr.write(`${issue.severity} ${ids[i] ?? ''} ${issue.path}: ${issue.message}\n`);
    for (const l of r.layout) if (!l.written) process.stderr.write(`note ${ids[i] ?? ''} loop ${l.loop}: ${l.reason}\n`);
  });
}

/** Envelope values: --envelope FILE, then flags, then defaults taken from the first claim. */
async function envelopeOptions(first: ClaimInput, o: WriteOptions): Promise<Build837Options> {
  const fromFile = o.envelope ? ((await readJson(o.envelope, 'envelope file')) as Partial<Build837Options>) : {};
  const billing = first.providers?.billing;
  const billingName = billing?.organizationName ?? billing?.name?.last ?? 'MEDCODER';
  const sender = o.sender ?? fromFile.sender?.id ?? billing?.npi ?? 'MEDCODER';
  const receiver = o.receiver ?? fromFile.receiver?.id ?? first.payer?.payerId ?? 'RECEIVER';
  const control = o.controlNumber !== undefined ? Number(o.controlNumber) : undefined;
  if (control !== undefined && !(Number.isInteger(control) && control > 0)) {
    throw new MedcoderError('INVALID_ARGUMENT', `--control-number must be a whole number above 0, got "${o.controlNumber}"`);
  }
  if (o.usage && o.usage !== 'P' && o.usage !== 'T') throw new MedcoderError('INVALID_ARGUMENT', `--usage must be P or T, got "${o.usage}"`);
  return {
    ...fromFile,
    sender: { ...fromFile.sender, id: sender },
    receiver: { ...fromFile.receiver, id: receiver },
    submitter: fromFile.submitter ?? { name: billingName.toUpperCase(), id: sender, ...(billing?.phone ? { phone: billing.phone } : {}) },
    receiverName: fromFile.receiverName ?? (first.payer?.name ?? 'RECEIVER').toUpperCase(),
    ...(o.usage ? { usage: o.usage as 'P' | 'T' } : {}),
    ...(control ? { interchangeControlNumber: control, groupControlNumber: control, transactionControlNumber: control } : {}),
  };
}

async function writeClaim(file: string, o: WriteOptions, cmd: Command): Promise<void> {
  const format = o.format.toLowerCase() as Format;
  if (!FORMATS.includes(format)) throw new MedcoderError('INVALID_ARGUMENT', `--format must be one of ${FORMATS.join(', ')}, got "${o.format}"`);
  const json = await readJson(file, 'claim file');
  const inputs = (Array.isArray(json) ? json : [json]) as ClaimInput[];
  if (inputs.length === 0) throw new MedcoderError('INVALID_ARGUMENT', `${file} holds no claims`);
  const ids = inputs.map((c) => String(c?.id ?? '(no id)'));

  if (format === '837p' || format === '837i') {
    const guide: X12Guide = format === '837p' ? '837P' : '837I';
    const checks = inputs.map((c) => preflight(c, { guide }));
    printIssues(checks, ids);
    const failed = checks.findIndex((r) => !r.ok);
    if (failed >= 0) {
      const n = checks[failed]!.issues.filter((i) => i.severity === 'error').length;
      process.stderr.write(`medcoder: claim ${ids[failed]} is not ready for ${guide}: ${n} error${n === 1 ? '' : 's'} above\n`);
      setExit(cmd, EXIT_INVALID);
      return;
    }
    const envelope = await envelopeOptions(inputs[0]!, o);
    if (!envelope.submitter.phone && !envelope.submitter.email) {
      process.stderr.write('warning: the submitter (1000A) has no telephone or e-mail; give one in --envelope (submitter.phone) or as the billing provider\'s phone\n');
    }
    const g = generate837(inputs, guide, envelope);
    const segments = g.text.split('~').length - 1;
    if (o.output) {
      await writeFile(o.output, g.text);
      process.stderr.write(`wrote ${guide} with ${g.claims.length} claim${g.claims.length === 1 ? '' : 's'} (${segments} segments) to ${o.output}\n`);
    } else process.stdout.write(`${g.text.replace(/~/g, '~\n')}`);
    return;
  }

  // CMS-1500 and FHIR take one claim at a time and need a valid claim model, not a full 837 pre-flight.
  if (inputs.length > 1) throw new MedcoderError('INVALID_ARGUMENT', `--format ${format} writes one claim; ${file} holds ${inputs.length}`);
  const check = preflight(inputs[0]!, { guide: guideFor(inputs[0] as { setting: string }) });
  const schemaErrors = check.issues.filter((i) => i.rule === 'schema');
  if (schemaErrors.length || !check.claim) {
    printIssues([{ ...check, issues: schemaErrors }], ids);
    process.stderr.write(`medcoder: claim ${ids[0]} is not a valid claim: ${schemaErrors.length} error${schemaErrors.length === 1 ? '' : 's'} above\n`);
    setExit(cmd, EXIT_INVALID);
    return;
  }
  for (const w of check.issues.filter((i) => i.rule !== 'schema')) process.stderr.write(`${w.severity === 'error' ? 'warning' : w.severity} ${ids[0]} ${w.path}: ${w.message}\n`);
  const claim = check.claim;
  if (format === 'fhir') {
    const resource = fhirClaim(claim, o.date ? { created: o.date } : {});
    if (o.output) await writeFile(o.output, `${JSON.stringify(resource, null, 2)}\n`);
    else printJson(resource);
    return;
  }
  const pdf = await cms1500Pdf(claim, o.date ? { signedOn: o.date } : {});
  if (o.output) {
    await writeFile(o.output, pdf);
    process.stderr.write(`wrote CMS-1500 (${Math.max(1, Math.ceil(claim.lines.length / 6))} page${claim.lines.length > 6 ? 's' : ''}) to ${o.output}\n`);
  } else if (process.stdout.isTTY) {
    throw new MedcoderError('INVALID_ARGUMENT', '--format cms1500 writes a PDF: give -o FILE or redirect stdout');
  } else process.stdout.write(pdf);
}

function money(n: number | undefined): string {
  return n === undefined ? '-' : n.toFixed(2);
}

function printParsed(p: Parsed837, file: string, checks: PreflightResult[], envelope: ReturnType<typeof crossCheck>): void {
  println(`${file}: ${p.guide} (${p.groups.flatMap((g) => g.transactions).length} transaction${p.groups.length > 1 ? 's' : ''}, ${p.claims.length} claim${p.claims.length === 1 ? '' : 's'})`);
  println(`  interchange ${p.interchange.controlNumber.trim()} from ${p.interchange.senderId.trim()} to ${p.interchange.receiverId.trim()}, ${p.interchange.usage === 'P' ? 'production' : 'test'}`);
  println(`  envelope: ${envelope.ok ? `control numbers and counts agree (checked by node-x12: ${envelope.segments} transaction segments)` : 'see the errors below'}`);
  p.claims.forEach((c: Claim, i) => {
    const name = c.patient.name ? `${c.patient.name.last}, ${c.patient.name.first ?? ''}`.trim() : '(no name)';
    println(`  claim ${c.id}  ${c.setting}  patient ${name}  payer ${c.payer?.name ?? '-'}  total ${money(c.totalCharge)}`);
    println(`    diagnoses: ${c.diagnoses.map((d) => d.code + (d.poa ? `(${d.poa})` : '')).join(' ') || '-'}`);
    if (c.procedures.length) println(`    procedures: ${c.procedures.map((pr) => `${pr.code} ${pr.date}`).join(', ')}`);
    c.lines.forEach((l, j) => {
      const code = [l.revenueCode, l.code, ...l.modifiers].filter(Boolean).join(' ');
      println(`    line ${j + 1}: ${code}  ${l.units} ${l.unitType}  ${money(l.charge)}  ${l.date}${l.dateTo && l.dateTo !== l.date ? `..${l.dateTo}` : ''}${l.diagnosisPointers.length ? `  dx ${l.diagnosisPointers.join(',')}` : ''}`);
    });
    const kept = c.x12?.segments.length ?? 0;
    if (kept) println(`    kept as X12 (not in the claim model): ${kept} segment${kept === 1 ? '' : 's'} (${[...new Set(c.x12!.segments.map((s) => s.segment[0]))].join(' ')})`);
    const r = checks[i]!;
    const errors = r.issues.filter((x) => x.severity === 'error');
    println(`    pre-flight: ${errors.length ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : 'ready'}`);
    for (const e of errors) println(`      ${e.path}: ${e.message}`);
  });
  for (const issue of p.issues) println(`  ${issue.severity}: ${issue.message}${issue.at ? ` (${issue.at})` : ''}`);
}

function parseSubcommand(): Command {
  return new Command('parse')
    .description('read an 837P or 837I file back into claims and check them')
    .argument('<file>', 'X12 file (.edi, .x12, .txt)')
    .option('--json', 'JSON output: the claims, envelope headers and issues')
    .option('--date <YYYY-MM-DD>', 'today for the pre-flight check of future dates (default: today)')
    .action(async (file: string, opts: { json?: boolean; date?: string }, cmd: Command) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new MedcoderError('INVALID_ARGUMENT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const p = parse837(text);
      const envelope = crossCheck(text);
      if (!envelope.ok) p.issues.push({ severity: 'error', message: `node-x12 refuses the envelope: ${envelope.message}` });
      const checks = p.claims.map((c) => preflight(c, { guide: p.guide, ...(opts.date ? { today: opts.date } : {}) }));
      if (opts.json) {
        printJson({
          file, guide: p.guide, interchange: p.interchange, groups: p.groups.map((g) => ({ header: g.header, transactions: g.transactions.map((t) => ({ header: t.header, claims: t.claims.length })) })),
          claims: p.claims, issues: p.issues, carriedSegments: p.carriedSegments,
          preflight: checks.map((r) => ({ ok: r.ok, issues: r.issues })),
        });
      } else printParsed(p, file, checks, envelope);
      if (p.issues.some((i) => i.severity === 'error') || checks.some((r) => !r.ok)) setExit(cmd, EXIT_INVALID);
    });
}

export function claimCommand(): Command {
  const cmd = new Command('claim')
    .description('write a claim as X12 837P/837I, CMS-1500 PDF or FHIR R4 Claim; "claim parse FILE" reads an 837 back')
    .argument('[file]', 'claim JSON (one claim or an array of claims for one 837 batch)')
    .option('--format <format>', `output format: ${FORMATS.join(' | ')}`)
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--envelope <file>', 'JSON with the 837 envelope: sender, receiver, submitter, receiverName, usage, control numbers')
    .option('--sender <id>', 'interchange sender id (ISA06, GS02); default: the billing provider NPI')
    .option('--receiver <id>', 'interchange receiver id (ISA08, GS03); default: the payer id')
    .option('--usage <P|T>', 'ISA15: T test (default) or P production')
    .option('--control-number <n>', 'interchange, group and transaction control number (default 1)')
    .option('--date <YYYY-MM-DD>', 'date printed on the form (CMS-1500 box 31) or FHIR Claim.created')
    .action(async (file: string | undefined, opts: WriteOptions, c: Command) => {
      if (!file) throw new MedcoderError('INVALID_ARGUMENT', 'give a claim JSON file (or "claim parse FILE.edi")');
      if (!opts.format) throw new MedcoderError('INVALID_ARGUMENT', `--format is required: ${FORMATS.join(' | ')}`);
      await writeClaim(file, opts, c);
    });
  cmd.addCommand(parseSubcommand());
  return cmd;
}
