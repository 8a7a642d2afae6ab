import { registerDetector, xmlRoot, headLines } from '../sources/detect.js';
import { looksLikeOrderFile } from '../sources/order-file.js';
import { registerCompiler } from '../releases/import.js';
import { registerLoader } from '../releases/registry.js';
import { icd10cmCompiler } from './compile.js';
import { icd10cmLoader } from './release.js';

registerDetector({
  name: 'icd10cm-xml',
  detect({ text }) {
    const x = xmlRoot(text);
    if (!x) return null;
    const year = x.version;
    if (x.root === 'ICD10CM.tabular') return { kind: 'icd10cm.tabular', system: 'icd10cm', ...(year ? { year } : {}) };
    if (x.root !== 'ICD10CM.index') return null;
    // The four index files share a root; their headings tell them apart.
    const heads = [...text.matchAll(/<head[^>]*>([^<]*)<\/head>/g)].map((m) => (m[1] ?? '').trim().toLowerCase());
    const title = /<title>([^<]*)<\/title>/.exec(text)?.[1]?.toLowerCase() ?? '';
    const base = { system: 'icd10cm' as const, ...(year ? { year } : {}) };
    if (heads[0]?.startsWith('neoplasm')) return { kind: 'icd10cm.neoplasm', ...base };
    if (heads[0]?.startsWith('substance') || heads[0]?.startsWith('drug')) return { kind: 'icd10cm.drug', ...base };
    if (title.includes('external cause')) return { kind: 'icd10cm.eindex', ...base };
    return { kind: 'icd10cm.index', ...base };
  },
});

const CM_CODE = /^[A-Z][0-9][0-9A-Z]/;

registerDetector({
  name: 'icd10cm-order',
  detect({ latin1 }) {
    const lines = headLines(latin1);
    if (looksLikeOrderFile(lines)) {
      const codes = lines.map((l) => l.slice(6, 13).trim());
      if (codes.every((c) => CM_CODE.test(c))) return { kind: 'icd10cm.order', system: 'icd10cm' };
      return null;
    }
    // The code list ("A000    Cholera due to …") repeats the order file's billable rows.
    if (lines.length >= 3 && lines.slice(0, 50).every((l) => /^[A-Z][0-9][0-9A-Z]{1,5} +\S/.test(l) && !/^\S+\s+\S+\s+[01]{5}\s*$/.test(l))) {
      return { kind: 'icd10cm.order', system: 'icd10cm', ignore: 'ICD-10-CM code list: the same billable codes as the order file, which is used instead' };
    }
    return null;
  },
});

registerDetector({
  name: 'order-addenda',
  detect({ latin1 }) {
    const lines = headLines(latin1);
    if (lines.length >= 2 && lines.slice(0, 50).every((l) => /^(Add|Delete|Revise from|Revise to|Revised|No Change):/i.test(l))) {
      return { kind: 'icd10cm.order', system: 'icd10cm', ignore: 'order/code-file addenda: their changes are already in the full order file of the same release' };
    }
    return null;
  },
});

registerCompiler(icd10cmCompiler);
registerLoader(icd10cmLoader);
