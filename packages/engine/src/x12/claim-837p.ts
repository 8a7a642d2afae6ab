/**
 * The claim loop of an 837P (005010X222A1): 2300 CLM, dates, references, HI
 * diagnoses (ABK/ABF), the claim's providers (2310A referring, 2310B
 * rendering, 2310C service facility) and the service lines (2400 SV1, DTP*472,
 * REF*6R, 2410 drug, 2420A line rendering provider).
 */
import type { Claim, ClaimLine } from '../claims/model.js';
import {
  attachCarried, claimReferences, clmIndicators, diagnosisComposite, hiSegments, icdVersion, otherDates,
  serviceLineLoop, writeRendering, writeServiceFacility, type Node,
} from './claim-common.js';

export { drugLoop, lineDate } from './claim-common.js';
import { x12Codes } from './codes.js';
import type { PayerOptions } from './payer-options.js';
import { providerLoop } from './parties.js';
import { d8, decimal, type OutSegment } from './segments.js';

function procedureComposite(l: ClaimLine): (string | undefined)[] {
  const m = l.modifiers;
  return ['HC', l.code, m[0], m[1], m[2], m[3], l.description];
}

function serviceLine(c: Claim, l: ClaimLine, index: number, o: PayerOptions, nodes: Map<string, Node>): Node {
  const sv1: OutSegment = [
    'SV1',
    procedureComposite(l),
    l.charge === undefined ? '' : decimal(l.charge),
    l.unitType,
    decimal(l.units, 3),
    l.placeOfService,
    undefined,
    l.diagnosisPointers.map(String),
    undefined,
    l.emergency ? 'Y' : undefined,
  ];
  return serviceLineLoop(l, index, o, nodes, { service: sv1, renderingLoop: '2420A', renderingOptions: { taxonomy: 'PE' } });
}

/** The 2300 loop of one professional claim, with its children. */
export function claimLoop837P(c: Claim, o: PayerOptions): Node {
  const ind = clmIndicators(c, '837P');
  const total = c.totalCharge ?? c.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
  const clm: OutSegment = [
    'CLM', c.id, decimal(total), undefined, undefined,
    [c.placeOfService ?? c.lines[0]?.placeOfService ?? '', 'B', c.frequencyCode],
    ind.clm06, ind.clm07, ind.clm08, ind.clm09, ind.clm10, ind.clm11, ind.clm12,
    undefined, undefined, undefined, undefined, undefined, undefined, undefined, ind.clm20,
  ];
  const segments: OutSegment[] = [clm, ...otherDates(c)];
  if (c.admission) segments.push(['DTP', '435', 'D8', d8(c.admission.date)]);
  if (c.discharge) segments.push(['DTP', '096', 'D8', d8(c.discharge.date)]);
  segments.push(...claimReferences(c));
  const hi = x12Codes().hi[icdVersion(c)];
  segments.push(...hiSegments(c.diagnoses.map((d, i) => diagnosisComposite(i === 0 ? hi.principal : hi.other, d.code))));
  const conditions = c.facilityCodes?.conditionCodes ?? [];
  if (conditions.length) segments.push(...hiSegments(conditions.map((x) => [x12Codes().facilityCodes.condition, x])));

  const node: Node = { id: '2300', segments, children: [] };
  const nodes = new Map<string, Node>([['2300', node]]);
  const add = (path: string, n: Node) => {
    node.children.push(n);
    nodes.set(path, n);
  };
  const p = c.providers;
  if (p.referring) add('2310A', providerLoop('2310A', 'DN', p.referring));
  if (p.rendering && writeRendering(c, o)) add('2310B', providerLoop('2310B', '82', p.rendering, { taxonomy: 'PE' }));
  if (p.serviceFacility && writeServiceFacility(c, o)) add('2310C', providerLoop('2310C', '77', p.serviceFacility, { address: true }));
  c.lines.forEach((l, i) => node.children.push(serviceLine(c, l, i, o, nodes)));
  attachCarried(node, nodes, (c.x12?.segments ?? []).filter((s) => !isUpper(s.loop)));
  return node;
}

function isUpper(loop: string): boolean {
  return loop.startsWith('20');
}
