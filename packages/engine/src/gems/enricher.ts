import { registerEnricher } from '../releases/registry.js';
import { crosswalkWith, GEM_PARTNER } from './crosswalk.js';

/**
 * Fill CodeSets.lookup() answers of ICD-10-CM, ICD-10-PCS, ICD-9-CM and
 * ICD-9-CM procedure codes with their GEM targets in the other revision. GEM
 * data is read on the first lookup that needs it, once per CodeSets.
 */
registerEnricher({
  async enrich(codeSets, detail) {
    const to = GEM_PARTNER[detail.system];
    if (!to) return;
    try {
      const r = await crosswalkWith(codeSets, detail.code, { from: detail.system, to }, { sourceTitle: false });
      if (r.targets.length) detail.crosswalk = r.targets;
    } catch {
      // No GEMs compiled for this direction: the answer simply carries no crosswalk.
    }
  },
});
