import { Command } from 'commander';
import { CodeSets, searchCodes, SYSTEM_LABELS } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';

export function searchCommand(): Command {
  return new Command('search')
    .description('find codes by words or by code: titles, inclusion terms, index entries, PCS definitions, HCPCS and CPT descriptors')
    .argument('<query...>', 'words (abbreviations and typos are understood) or a code or code prefix (E11.2, e112, 0DTJ)')
    .option('--system <system>', 'icd10cm | icd10pcs | hcpcs | cpt (repeatable; default: all with a release)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--limit <n>', 'most results', '20')
    .option('--billable', 'only codes that may be reported')
    .option('--chapter <id>', 'ICD-10-CM chapter number or ICD-10-PCS section character')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (words: string[], opts: { system: string[]; limit: string; billable?: boolean; chapter?: string; date?: string; json?: boolean }, cmd: Command) => {
      const query = words.join(' ');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number, got "${opts.limit}"`);
      const cs = await CodeSets.open();
      const a = await searchCodes(cs, query, {
        limit,
        typeahead: false,
        ...(opts.system.length ? { systems: opts.system } : {}),
        ...(opts.billable ? { billableOnly: true } : {}),
        ...(opts.chapter ? { chapter: opts.chapter } : {}),
        ...(opts.date ? { date: opts.date } : {}),
      });
      if (opts.json) printJson(a);
      else {
        for (const w of a.warnings) process.stderr.write(`warning: ${w}\n`);
        println(`${a.mode === 'code' ? 'codes starting with' : 'search'} "${query}" in ${a.releases.map((r) => r.release.label).join(', ')}`);
        for (const e of a.expansions) println(`  read "${e.from}" as "${e.to}"`);
        for (const c of a.corrections) println(`  read "${c.from}" as "${c.to}"`);
        if (a.hits.length === 0) println('  no codes found');
        for (const h of a.hits) {
          const mark = h.billable ? '*' : ' ';
          println(`${h.code.padEnd(9)} ${mark} ${h.title}${a.releases.length > 1 ? `  (${SYSTEM_LABELS[h.system]})` : ''}`);
          if (h.matched.kind !== 'title' && h.matched.kind !== 'code') println(`            ← ${h.matched.kind}: ${h.matched.text}`);
        }
        if (a.hits.some((h) => !h.billable)) println('(* = billable; headers and tables need more characters)');
      }
      if (a.hits.length === 0) setExit(cmd, EXIT_INVALID);
    });
}
