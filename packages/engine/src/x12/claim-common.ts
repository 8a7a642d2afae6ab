/**
 * Parts of the claim loop (2300) that 837P and 837I write alike: CLM
 * indicators, other dates, claim references, provider loops subject to payer
 * options, and the segments a read file carried that the model does not hold.
 */
import type { Claim, ClaimLine, Provider } from '../claims/model.js';
import { MedcoderError } from '../errors.js';
import { undotted, x12Codes } from './codes.js';
import type { Guide, LoopNode } from './loops.js';
import type { PayerOptions } from './payer-options.js';
import { providerLoop } from './parties.js';
import { d8, decimal, type OutSegment } from './segments.js';

export type Node = LoopNode<OutSegment>;

/** DTP*472; none when a read line had no date the model could hold (its DTP is then carried as read). */
export function lineDate(l: ClaimLine): OutSegment[] {
  if (!l.date) return [];
  return [l.dateTo ? ['DTP', '472', 'RD8', `${d8(l.date)}-${d8(l.dateTo)}`] : ['DTP', '472', 'D8', d8(l.date)]];
}

/** 2410: LIN with the NDC, CTP with quantity and unit. */
export function drugLoop(l: ClaimLine): Node | undefined {
  if (!l.ndc) return undefined;
  return {
    id: '2410',
    segments: [
      ['LIN', undefined, 'N4', l.ndc.code],
      ['CTP', undefined, undefined, undefined, decimal(l.ndc.quantity, 3), [l.ndc.unit]],
    ],
    children: [],
  };
}

/** How the two guides differ in a 2400 loop: the service segment (SV1 or SV2) and the line's rendering-provider loop. */
export interface ServiceLineShape {
  service: OutSegment;
  renderingLoop: '2420A' | '2420C';
  renderingOptions?: { taxonomy?: string };
}

/**
 * One 2400 loop: LX, the guide's service segment, DTP*472, REF*6R when the
 * payer wants line control numbers, 2410 drug and the line's rendering
 * provider. Each loop is recorded in `nodes` under its path so that carried
 * segments can be attached to it.
 */
export function serviceLineLoop(l: ClaimLine, index: number, o: PayerOptions, nodes: Map<string, Node>, shape: ServiceLineShape): Node {
  const node: Node = { id: '2400', segments: [['LX', String(index + 1)], shape.service, ...lineDate(l)], children: [] };
  if (l.id && o.lineItemControlNumbers) node.segments.push(['REF', '6R', l.id]);
  const path = `2400[${index}]`;
  nodes.set(path, node);
  const drug = drugLoop(l);
  if (drug) {
    node.children.push(drug);
    nodes.set(`${path}/2410`, drug);
  }
  if (l.renderingProvider) {
    const r = providerLoop(shape.renderingLoop, '82', l.renderingProvider, shape.renderingOptions);
    node.children.push(r);
    nodes.set(`${path}/${shape.renderingLoop}`, r);
  }
  return node;
}

/** CLM06 to CLM09 (and CLM10-12, CLM20 for 837P) from the claim's indicators and the guide's defaults. */
export function clmIndicators(c: Claim, guide: Guide): { clm06?: string; clm07?: string; clm08?: string; clm09?: string; clm10?: string; clm11?: string[]; clm12?: string; clm20?: string } {
  const def = x12Codes().claimDefaults[guide];
  const i = c.indicators ?? {};
  const out: ReturnType<typeof clmIndicators> = {
    clm06: i.providerSignature === undefined ? def.providerSignature : i.providerSignature ? 'Y' : 'N',
    clm07: i.assignment ?? def.assignment,
    clm08: i.benefitsAssigned ?? def.benefitsAssigned,
    clm09: i.releaseOfInformation ?? def.releaseOfInformation,
  };
  if (i.patientSignatureSource) out.clm10 = i.patientSignatureSource;
  if (i.relatedCauses?.length) {
    const r = i.relatedCauses;
    out.clm11 = [r[0] ?? '', r[1] ?? '', r[2] ?? '', i.accidentState ?? '', i.accidentCountry ?? ''];
  }
  if (i.specialProgram) out.clm12 = i.specialProgram;
  if (i.delayReason) out.clm20 = i.delayReason;
  return out;
}

/** DTP segments of the claim's other dates (D8, or RD8 for a range). */
export function otherDates(c: Claim): OutSegment[] {
  return (c.dates ?? []).map((d) => (d.to ? ['DTP', d.qualifier, 'RD8', `${d8(d.date)}-${d8(d.to)}`] : ['DTP', d.qualifier, 'D8', d8(d.date)]));
}

/** REF segments of the claim: payer claim number (F8), prior authorization (G1), referral (9F), medical record (EA). */
export function claimReferences(c: Claim): OutSegment[] {
  const q = x12Codes().claimReferences;
  const out: OutSegment[] = [];
  if (c.originalClaimId) out.push(['REF', q.originalClaimId, c.originalClaimId]);
  if (c.priorAuthorization) out.push(['REF', q.priorAuthorization, c.priorAuthorization]);
  if (c.referralNumber) out.push(['REF', q.referralNumber, c.referralNumber]);
  if (c.patient.medicalRecordNumber) out.push(['REF', q.medicalRecordNumber, c.patient.medicalRecordNumber]);
  return out;
}

function sameAddress(a: Provider['address'], b: Provider['address']): boolean {
  if (!a || !b) return !a && !b;
  return a.line1 === b.line1 && (a.line2 ?? '') === (b.line2 ?? '') && a.city === b.city && a.state === b.state && a.postalCode === b.postalCode;
}

/** Whether the service facility loop is written: not when it is the billing provider (same NPI and address), unless the payer wants it always. */
export function writeServiceFacility(c: Claim, o: PayerOptions): boolean {
  const f = c.providers.serviceFacility;
  if (!f) return false;
  if (o.serviceFacility === 'always') return true;
  const b = c.providers.billing;
  return !(b && (f.npi ?? '') === (b.npi ?? '') && sameAddress(f.address, b.address));
}

/** Whether the rendering provider loop is written: not when it has the billing provider's NPI, unless the payer wants it always. */
export function writeRendering(c: Claim, o: PayerOptions): boolean {
  const r = c.providers.rendering;
  if (!r) return false;
  if (o.renderingProvider === 'always') return true;
  const b = c.providers.billing;
  return !(b && r.npi && r.npi === b.npi && r.entity === b.entity);
}

export function diagnosisComposite(qualifier: string, code: string, poa?: string): string[] {
  // POA goes into the ninth component (C022-09); '1' (exempt) is written as nothing.
  return poa && poa !== '1' ? [qualifier, undotted(code), '', '', '', '', '', '', poa] : [qualifier, undotted(code)];
}

/** HI segments with at most 12 composites each. */
export function hiSegments(items: readonly (readonly string[])[]): OutSegment[] {
  const per = x12Codes().hiPerSegment;
  const out: OutSegment[] = [];
  for (let i = 0; i < items.length; i += per) out.push(['HI', ...items.slice(i, i + per)]);
  return out;
}

export function icdVersion(c: Claim): '9' | '10' {
  return c.icdVersion ?? '10';
}

// ------------------------------------------------------------ carried segments

/** Whether a read file carried a segment (tag and first element) in a loop, which then stands instead of the one the model would write. */
export function carries(c: Claim, loop: string, tag: string, first?: string): boolean {
  return (c.x12?.segments ?? []).some((s) => s.loop === loop && s.segment[0] === tag && (first === undefined || s.segment[1] === first));
}

/** Loops below the claim that can repeat, written with an index in carried paths (`2400[0]`). */
export const REPEATING = new Set(['2320', '2400', '2430', '2440']);

/** The loops above the claim, in the path form used by carried segments. */
export const UPPER_LOOPS = new Set(['2000A', '2010AA', '2010AB', '2010AC', '2000B', '2010BA', '2010BB', '2000C', '2010CA']);

/** Loop id of one path step (`2400[1]` → `2400`). */
export function stepId(step: string): string {
  const b = step.indexOf('[');
  return b < 0 ? step : step.slice(0, b);
}

/**
 * Put carried segments into a tree whose known nodes are in `nodes` (by
 * path). Missing loops are created under their parent path; a top-level path
 * whose node is missing is created under `root`.
 */
export function attachCarried(root: Node, nodes: Map<string, Node>, carried: readonly { loop: string; segment: (string | string[])[] }[]): void {
  for (const s of carried) {
    const node = nodeAt(root, nodes, s.loop);
    node.segments.push(s.segment as unknown as OutSegment);
  }
}

function nodeAt(root: Node, nodes: Map<string, Node>, path: string): Node {
  const found = nodes.get(path);
  if (found) return found;
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? root : nodeAt(root, nodes, path.slice(0, slash));
  const id = stepId(path.slice(slash + 1));
  if (!/^[0-9]{4}[A-Z]{0,2}$/.test(id)) throw new MedcoderError('INVALID_CLAIM', `x12.segments: "${path}" is not a loop path`, { path });
  const node: Node = { id, segments: [], children: [] };
  parent.children.push(node);
  nodes.set(path, node);
  return node;
}
