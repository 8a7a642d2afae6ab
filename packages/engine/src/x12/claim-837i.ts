/**
 * The claim loop of an 837I (005010X223A2): 2300 CLM with the type of bill,
 * statement and admission dates, CL1, references, HI codes (principal,
 * admitting, reason for visit, external cause, other diagnoses with POA,
 * ICD-10-PCS procedures, occurrence, span, value and condition codes), the
 * claim's providers (2310A attending … 2310F referring) and the service lines
 * (2400 SV2 with revenue codes).
 */
import { claimSpan, type Claim, type ClaimLine } from '../claims/model.js';
import {
  attachCarried, carries, claimReferences, clmIndicators, diagnosisComposite, hiSegments, icdVersion, otherDates,
  serviceLineLoop, writeRendering, writeServiceFacility, type Node,
} from './claim-common.js';
import { x12Codes } from './codes.js';
import type { PayerOptions } from './payer-options.js';
import { providerLoop } from './parties.js';
import { d8, decimal, type OutSegment } from './segments.js';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** CLM05-1: the first two digits of the type of bill (facility type and bill classification). */
export function facilityTypeCode(typeOfBill: string | undefined): string {
  const t = (typeOfBill ?? '').replace(/^0(?=\d{3}$)/, '');
  return t.slice(0, 2);
}

function serviceLine(l: ClaimLine, index: number, o: PayerOptions, nodes: Map<string, Node>): Node {
  const m = l.modifiers;
  const sv2: OutSegment = [
    'SV2',
    l.revenueCode,
    l.code ? ['HC', l.code, m[0], m[1], m[2], m[3], l.description] : undefined,
    l.charge === undefined ? '' : decimal(l.charge),
    l.unitType,
    decimal(l.units, 3),
  ];
  return serviceLineLoop(l, index, o, nodes, { service: sv2, renderingLoop: '2420C' });
}

/** The 2300 loop of one institutional claim, with its children. */
export function claimLoop837I(c: Claim, o: PayerOptions): Node {
  const codes = x12Codes();
  const ind = clmIndicators(c, '837I');
  const total = c.totalCharge ?? c.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
  const clm: OutSegment = [
    'CLM', c.id, decimal(total), undefined, undefined,
    [facilityTypeCode(c.typeOfBill), 'A', c.frequencyCode],
    ind.clm06, ind.clm07, ind.clm08, ind.clm09,
    undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, ind.clm20,
  ];
  const segments: OutSegment[] = [clm];
  if (c.discharge?.hour !== undefined) segments.push(['DTP', '096', 'TM', `${two(c.discharge.hour)}00`]);
  const span = claimSpan(c);
  if (span.from && !carries(c, '2300', 'DTP', '434')) segments.push(['DTP', '434', 'RD8', `${d8(span.from)}-${d8(span.to)}`]);
  if (c.admission) {
    segments.push(
      c.admission.hour !== undefined
        ? ['DTP', '435', 'DT', `${d8(c.admission.date)}${two(c.admission.hour)}00`]
        : ['DTP', '435', 'D8', d8(c.admission.date)],
    );
  }
  segments.push(...otherDates(c));
  const f = c.facilityCodes ?? {};
  const admissionType = c.admission?.type ?? f.admissionType;
  const admissionSource = c.admission?.source ?? f.admissionSource;
  const status = c.discharge?.status ?? f.patientStatus;
  if (admissionType || admissionSource || status) segments.push(['CL1', admissionType, admissionSource, status]);
  segments.push(...claimReferences(c));

  const hi = codes.hi[icdVersion(c)];
  const [principal, ...others] = c.diagnoses;
  if (principal) segments.push(['HI', diagnosisComposite(hi.principal, principal.code, principal.poa)]);
  if (c.admittingDiagnosis) segments.push(['HI', diagnosisComposite(hi.admitting, c.admittingDiagnosis)]);
  if (c.reasonForVisit?.length) segments.push(['HI', ...c.reasonForVisit.map((r) => diagnosisComposite(hi.reasonForVisit, r))]);
  if (c.externalCauses?.length) segments.push(...hiSegments(c.externalCauses.map((d) => diagnosisComposite(hi.externalCause, d.code, d.poa))));
  segments.push(...hiSegments(others.map((d) => diagnosisComposite(hi.other, d.code, d.poa))));
  const [pp, ...otherProcs] = c.procedures;
  if (pp) segments.push(['HI', [hi.principalProcedure, pp.code, 'D8', d8(pp.date)]]);
  segments.push(...hiSegments(otherProcs.map((p) => [hi.otherProcedure, p.code, 'D8', d8(p.date)])));
  const fc = codes.facilityCodes;
  segments.push(...hiSegments((f.occurrenceSpans ?? []).map((s) => [fc.occurrenceSpan, s.code, 'RD8', `${d8(s.from)}-${d8(s.to)}`])));
  segments.push(...hiSegments((f.occurrences ?? []).map((s) => [fc.occurrence, s.code, 'D8', d8(s.date)])));
  segments.push(...hiSegments((f.values ?? []).map((v) => [fc.value, v.code, '', '', decimal(v.amount)])));
  segments.push(...hiSegments((f.conditionCodes ?? []).map((x) => [fc.condition, x])));

  const node: Node = { id: '2300', segments, children: [] };
  const nodes = new Map<string, Node>([['2300', node]]);
  const add = (path: string, n: Node) => {
    node.children.push(n);
    nodes.set(path, n);
  };
  const p = c.providers;
  if (p.attending) add('2310A', providerLoop('2310A', '71', p.attending, { taxonomy: 'AT' }));
  if (p.operating) add('2310B', providerLoop('2310B', '72', p.operating));
  if (p.rendering && writeRendering(c, o)) add('2310D', providerLoop('2310D', '82', p.rendering));
  if (p.serviceFacility && writeServiceFacility(c, o)) add('2310E', providerLoop('2310E', '77', p.serviceFacility, { address: true }));
  if (p.referring) add('2310F', providerLoop('2310F', 'DN', p.referring));
  c.lines.forEach((l, i) => node.children.push(serviceLine(l, i, o, nodes)));
  attachCarried(node, nodes, (c.x12?.segments ?? []).filter((s) => !s.loop.startsWith('20')));
  return node;
}
