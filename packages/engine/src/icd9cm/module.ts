import { headLines, registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { registerLoader } from '../releases/registry.js';
import { icd9cmCompiler, icd9pcsCompiler } from './compile.js';
import { describeHead, fiscalYearFromVersionName } from './descriptions.js';
import { icd9cmLoader, icd9pcsLoader } from './release.js';

registerDetector({
  name: 'icd9cm-descriptions',
  detect({ latin1 }, entry) {
    const shape = describeHead(headLines(latin1));
    if (!shape) return null;
    // The content carries no release; the CMS version in the member or archive name does (see fiscalYearFromVersionName).
    const v = fiscalYearFromVersionName(entry.name, entry.context);
    return {
      kind: shape.system === 'icd9pcs' ? 'icd9pcs.descriptions' : 'icd9cm.descriptions',
      system: shape.system,
      ...(v ? { year: v.year } : {}),
      facts: { titles: shape.titles, ...(v ? { version: String(v.version) } : {}) },
    };
  },
});

registerCompiler(icd9cmCompiler);
registerCompiler(icd9pcsCompiler);
registerLoader(icd9cmLoader);
registerLoader(icd9pcsLoader);
