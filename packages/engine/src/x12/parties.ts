/**
 * People and organisations in an 837: NM1 names with their ids, N3/N4
 * addresses, PRV taxonomy, tax id REFs. Written from the claim model and read
 * back into it.
 */
import type { Address, PersonName, Provider } from '../claims/model.js';
import { x12Codes } from './codes.js';
import type { LoopNode } from './loops.js';
import { el, type Delimiters, type OutSegment, type Segment } from './segments.js';

/** NM1 for a provider: NM102 1 person / 2 organisation, NM108 XX with the NPI. */
export function providerNm1(code: string, p: Provider): OutSegment {
  const person = p.entity === 'person';
  const n = p.name;
  return [
    'NM1', code, person ? '1' : '2',
    person ? n?.last : p.organizationName,
    person ? n?.first : undefined,
    person ? n?.middle : undefined,
    undefined,
    person ? n?.suffix : undefined,
    p.npi ? 'XX' : undefined,
    p.npi,
  ];
}

/** NM1 for a person (subscriber, patient) with an optional id. */
export function personNm1(code: string, name: PersonName | undefined, idQualifier?: string, id?: string): OutSegment {
  return ['NM1', code, '1', name?.last, name?.first, name?.middle, undefined, name?.suffix, id ? idQualifier : undefined, id];
}

export function addressSegments(a: Address | undefined): OutSegment[] {
  if (!a) return [];
  return [
    ['N3', a.line1, a.line2],
    ['N4', a.city, a.state, a.postalCode, a.country],
  ];
}

/** A provider loop: NM1, its address when asked, PRV taxonomy when a qualifier is given. */
export function providerLoop(id: string, code: string, p: Provider, o: { address?: boolean; taxonomy?: string } = {}): LoopNode<OutSegment> {
  const segments: OutSegment[] = [providerNm1(code, p)];
  if (o.address) segments.push(...addressSegments(p.address));
  if (o.taxonomy && p.taxonomy) segments.push(['PRV', o.taxonomy, 'PXC', p.taxonomy]);
  return { id, segments, children: [] };
}

export function taxIdRef(p: Provider): OutSegment | undefined {
  if (!p.taxId) return undefined;
  return ['REF', x12Codes().taxId[p.taxId.type] ?? 'EI', p.taxId.value];
}

// ------------------------------------------------------------------ reading

/** The name in an NM1 (person) as the model holds it. */
export function readPersonName(nm1: Segment): PersonName {
  const n: PersonName = { last: el(nm1, 3) };
  if (el(nm1, 4)) n.first = el(nm1, 4);
  if (el(nm1, 5)) n.middle = el(nm1, 5);
  if (el(nm1, 7)) n.suffix = el(nm1, 7);
  return n;
}

/** A provider from its NM1. */
export function readProvider(nm1: Segment): Provider {
  const person = el(nm1, 2) === '1';
  const p = { entity: person ? 'person' : 'organization' } as Provider;
  if (person) p.name = readPersonName(nm1);
  else if (el(nm1, 3)) p.organizationName = el(nm1, 3);
  if (el(nm1, 8) === 'XX' && el(nm1, 9)) p.npi = el(nm1, 9);
  return p;
}

/** True when an NM1 holds nothing the model cannot (no prefix, no id other than an NPI, nothing after NM109). */
export function nm1Modelled(nm1: Segment): boolean {
  if (el(nm1, 6) || nm1.length > 10) return false;
  if (el(nm1, 8) && el(nm1, 8) !== 'XX') return false;
  if (el(nm1, 2) === '2' && (el(nm1, 4) || el(nm1, 5) || el(nm1, 7))) return false;
  return el(nm1, 2) === '1' || el(nm1, 2) === '2';
}

/** An address from N3 and N4 when both are there and N4 holds nothing beyond the country. */
export function readAddress(n3: Segment | undefined, n4: Segment | undefined): Address | undefined {
  if (!n3 || !n4 || n3.length > 3 || n4.length > 5) return undefined;
  const a = { line1: el(n3, 1), city: el(n4, 1), state: el(n4, 2), postalCode: el(n4, 3) } as Address;
  if (el(n3, 2)) a.line2 = el(n3, 2);
  if (el(n4, 4)) a.country = el(n4, 4);
  return a;
}

/** Elements of a read segment in the delimiter-free form kept in `claim.x12.segments`. */
export function carriedForm(seg: Segment, d: Delimiters): (string | string[])[] {
  return seg.map((e, i) => (i > 0 && e.indexOf(d.component) >= 0 ? e.split(d.component) : e));
}
