import { Command } from 'commander';
import { CodeSets, pcsChoices } from '@medcoder/engine';
import { printJson, println } from '../output.js';

export function pcsCommand(): Command {
  return new Command('pcs')
    .description('build an ICD-10-PCS code axis by axis: the characters chosen, then the values the tables allow next')
    .argument('[prefix]', 'the characters chosen so far (e.g. 0, 0D, 0DT, 0DTJ)', '')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (prefix: string, opts: { date?: string; json?: boolean }) => {
      const cs = await CodeSets.open();
      const a = await pcsChoices(cs, prefix, opts.date ? { date: opts.date } : {});
      if (opts.json) return printJson(a);
      for (const w of a.warnings) process.stderr.write(`warning: ${w}\n`);
      println(`${a.prefix || '(start)'} · ${a.release.label}`);
      for (const c of a.chosen) println(`  ${c.pos} ${c.title.padEnd(14)} ${c.value}  ${c.label}`);
      if (a.code) {
        println(`${a.code.code}  ${a.code.title}  (valid code)`);
        return;
      }
      if (!a.next) return;
      println(`choose character ${a.next.pos} (${a.next.title})${a.next.completes ? ', which completes the code' : ''}:`);
      for (const v of a.next.values) {
        const other = v.otherLabels?.length ? ` / ${v.otherLabels.join(' / ')}` : '';
        println(`  ${a.prefix}${v.value}  ${v.label}${other}`);
        if (v.definition) println(`        ${v.definition}`);
        if (v.includes?.length) println(`        includes: ${v.includes.slice(0, 6).join('; ')}${v.includes.length > 6 ? '; …' : ''}`);
      }
    });
}
