/**
 * Registers every code system's detectors, compilers and loaders. Each
 * system module registers itself when imported.
 */
import './icd10cm/module.js';
import './icd10pcs/module.js';
import './hcpcs/module.js';
import './icd9cm/module.js';
import './gems/module.js';
import './cpt/module.js';
import './encoder/module.js';
import './coding/module.js';
import './edits/module.js';
import './hcc/module.js';
