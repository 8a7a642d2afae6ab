import { headLines, registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { registerLoader } from '../releases/registry.js';
import { hcpcsCompiler } from './compile.js';
import { hcpcsLoader } from './release.js';
import { latestRecordDate, looksLikeRecordFile } from './record-file.js';

registerDetector({
  name: 'hcpcs-records',
  detect({ latin1 }) {
    // The record file may open with a free-text disclaimer; most lines are still records.
    const lines = headLines(latin1, 400);
    if (!looksLikeRecordFile(lines)) return null;
    // The release year is the latest add or action effective date the records carry.
    const latest = latestRecordDate(lines);
    if (!latest) return { kind: 'hcpcs.records', system: 'hcpcs', ignore: 'HCPCS record file without add or action effective dates: its release year cannot be told' };
    return { kind: 'hcpcs.records', system: 'hcpcs', year: Number(latest.slice(0, 4)) };
  },
});

registerDetector({
  name: 'hcpcs-companions',
  detect({ latin1 }) {
    const head = latin1.slice(0, 4000);
    // The release's README (HCPCyyyy_README.txt / HCPCREAD.TXT).
    if (/ALPHA-?NUMERIC/i.test(head) && /HEALTH ?CARE (COMMON )?PROCEDURE CODING SYSTEM/i.test(head) && /HCPCS/.test(head)) {
      return { kind: 'hcpcs.records', system: 'hcpcs', ignore: 'HCPCS documentation (release README or record layout), not data' };
    }
    // Processing notes (proc_notes_yyyy.txt): the text behind the record file's note numbers.
    if (/PROCESSING NOTES/.test(head) && /^\s+\d{4}--/m.test(head)) {
      return { kind: 'hcpcs.records', system: 'hcpcs', ignore: 'HCPCS processing notes: free text referenced by note number, not used' };
    }
    return null;
  },
});

registerCompiler(hcpcsCompiler);
registerLoader(hcpcsLoader);
