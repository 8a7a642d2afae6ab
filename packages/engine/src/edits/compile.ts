/**
 * Compilers of the claim-edit tables. Each turns the source files of one
 * release (one fiscal year, or one quarter) into a compact JSON file that the
 * edit layers load by date of service.
 */
import { MedcoderError } from '../errors.js';
import type { CompiledOutput, ReleaseGroup, SystemCompiler } from '../releases/compiler.js';
import { readLines, readText } from '../sources/entry.js';
import { AOC_FILE, compileAocJson, type AocCompiled } from './add-on.js';
import { COVERAGE_FILE, parseCoverage, type CoveragePolicy } from './medical-necessity.js';
import { compileMceJson, MCE_FILE } from './mce.js';
import { compileMue, MUE_FILE, parseMueCsv, parseMueJson, type MueRow, type MueTableKind } from './mue.js';
import { compilePtp, PTP_FILE, type PtpTableKind } from './ncci-ptp.js';
import { parsePoaExempt, POA_FILE } from './poa.js';
import { isPtpHeader, parsePtpLine, type PtpRow } from './ptp-file.js';

function only(group: ReleaseGroup, kind: string) {
  const files = group.sources.filter((s) => s.detection.kind === kind);
  if (!files.length) throw new MedcoderError('IMPORT_FAILED', `${group.id}: no ${kind} file`, { release: group.id });
  return files;
}

export const mceCompiler: SystemCompiler = {
  system: 'mce',
  async compile(group): Promise<CompiledOutput> {
    const files = only(group, 'mce.lists');
    if (files.length > 1) throw new MedcoderError('IMPORT_FAILED', `${group.id}: ${files.length} MCE list files (${files.map((f) => f.entry.path).join(', ')}); keep one per fiscal year`);
    const f = files[0]!;
    const { data, counts, notes } = compileMceJson(await readText(f.entry), f.entry.path);
    return { files: { [MCE_FILE]: data }, counts, notes };
  },
};

export const poaCompiler: SystemCompiler = {
  system: 'poa',
  async compile(group): Promise<CompiledOutput> {
    const files = only(group, 'poa.exempt');
    const codes = new Set<string>();
    for (const f of files) for (const c of parsePoaExempt(await readText(f.entry, 'latin1'), f.entry.path)) codes.add(c);
    const exempt = [...codes].sort();
    return { files: { [POA_FILE]: { exempt } }, counts: { 'exempt codes': exempt.length } };
  },
};

export const ptpCompiler: SystemCompiler = {
  system: 'ncci-ptp',
  async compile(group, ctx): Promise<CompiledOutput> {
    const files = only(group, 'ncci-ptp.table');
    const parts: Array<{ table: PtpTableKind; rows: PtpRow[] }> = [];
    const step = ctx.progress.step(`reading ${files.length} NCCI PTP file(s)`, files.length);
    for (const f of files) {
      const rows: PtpRow[] = [];
      let header = false;
      let n = 0;
      for await (const line of readLines(f.entry, 'latin1')) {
        n++;
        if (!header) {
          header = isPtpHeader(line);
          continue;
        }
        const row = parsePtpLine(line, `${f.entry.path} line ${n}`);
        if (row) rows.push(row);
      }
      if (!rows.length) throw new MedcoderError('SOURCE_MALFORMED', `${f.entry.path}: no edits after the header`, { path: f.entry.path });
      parts.push({ table: (f.detection.facts?.table as PtpTableKind | undefined) ?? 'practitioner', rows });
      step.advance(1);
    }
    step.done();
    const { data, counts } = compilePtp(parts);
    return { files: { [PTP_FILE]: data }, counts };
  },
};

export const mueCompiler: SystemCompiler = {
  system: 'mue',
  async compile(group): Promise<CompiledOutput> {
    const parts: Array<{ table: MueTableKind; rows: MueRow[] }> = [];
    for (const f of group.sources) {
      const text = await readText(f.entry, f.detection.kind === 'mue.csv' ? 'latin1' : 'utf8');
      if (f.detection.kind === 'mue.json') parts.push(parseMueJson(text, f.entry.path));
      else if (f.detection.kind === 'mue.csv') parts.push(parseMueCsv(text, f.entry.path));
    }
    if (!parts.length) throw new MedcoderError('IMPORT_FAILED', `${group.id}: no MUE table`, { release: group.id });
    const seen = new Set<MueTableKind>();
    for (const p of parts) {
      if (seen.has(p.table)) throw new MedcoderError('IMPORT_FAILED', `${group.id}: two ${p.table} MUE tables for one quarter`, { release: group.id });
      seen.add(p.table);
    }
    const { data, counts } = compileMue(parts);
    return { files: { [MUE_FILE]: data }, counts };
  },
};

export const aocCompiler: SystemCompiler = {
  system: 'aoc',
  async compile(group): Promise<CompiledOutput> {
    const files = only(group, 'aoc.json');
    const merged: AocCompiled = { addOns: {} };
    const counts: Record<string, number> = {};
    for (const f of files) {
      const r = compileAocJson(await readText(f.entry), f.entry.path);
      Object.assign(merged.addOns, r.data.addOns);
      for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
    }
    return { files: { [AOC_FILE]: merged }, counts };
  },
};

export const coverageCompiler: SystemCompiler = {
  system: 'coverage',
  async compile(group): Promise<CompiledOutput> {
    const files = only(group, 'coverage.policies');
    const policies: CoveragePolicy[] = [];
    const titles: string[] = [];
    for (const f of files) {
      const { data } = parseCoverage(await readText(f.entry), f.entry.path);
      policies.push(...data.policies);
      if (data.title) titles.push(data.title);
    }
    const ids = new Set<string>();
    for (const p of policies) {
      if (ids.has(p.id)) throw new MedcoderError('IMPORT_FAILED', `${group.id}: policy ${p.id} is defined twice`, { release: group.id });
      ids.add(p.id);
    }
    return { files: { [COVERAGE_FILE]: { ...(titles.length ? { title: titles.join('; ') } : {}), policies } }, counts: { policies: policies.length } };
  },
};
