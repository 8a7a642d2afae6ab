import { headLines, registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { gemsCompiler } from './compile.js';
import { GEM_DIRECTIONS, gemDirectionOfHead } from './gem-file.js';
import './enricher.js';

registerDetector({
  name: 'gems',
  detect({ latin1 }) {
    const direction = gemDirectionOfHead(headLines(latin1));
    if (!direction) return null;
    // The GEM rows carry no year: the importer takes it from the file or folder name (2018_I10gem.txt, FY2016-pcs/).
    return { kind: GEM_DIRECTIONS[direction].kind, system: 'gems', facts: { direction } };
  },
});

registerCompiler(gemsCompiler);
