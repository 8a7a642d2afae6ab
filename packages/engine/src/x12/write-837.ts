/**
 * Writing 837 files: claims grouped under their billing provider (2000A),
 * subscriber (2000B) and, when the patient is not the subscriber, patient
 * (2000C); HL numbers, the envelope, control numbers and counts.
 */
import type { Claim } from '../claims/model.js';
import { MedcoderError } from '../errors.js';
import { attachCarried, carries, type Node } from './claim-common.js';
import { claimLoop837I } from './claim-837i.js';
import { claimLoop837P } from './claim-837p.js';
import { x12Codes } from './codes.js';
import {
  envelopeHeaders, gsSegment, transactionHeaderSegments, writeIsa,
  type EnvelopeOptions, type GroupHeader, type InterchangeHeader, type TransactionHeader,
} from './envelope.js';
import { flattenLoops, loopTable, orderLoop, type Guide } from './loops.js';
import { payerOptions, type PayerOptions } from './payer-options.js';
import { addressSegments, personNm1, providerNm1, taxIdRef } from './parties.js';
import { d8, DEFAULT_DELIMITERS, writeSegment, type Delimiters, type OutSegment } from './segments.js';

export const IMPLEMENTATIONS: Record<Guide, string> = { '837P': '005010X222A1', '837I': '005010X223A2' };

/** An 837 file as medcoder holds it: envelope headers and claims by transaction. */
export interface ClaimFile {
  guide: Guide;
  delimiters: Delimiters;
  interchange: InterchangeHeader;
  groups: { header: GroupHeader; transactions: { header: TransactionHeader; claims: Claim[] }[] }[];
}

export interface Build837Options extends EnvelopeOptions {
  /** Delimiters to write with (defaults * : ^ ~, no line breaks). */
  delimiters?: Partial<Delimiters>;
  /** Payer options on top of data/x12/payer-options.json for the claims' payer. */
  payerOptions?: Partial<PayerOptions>;
}

type Carried = { loop: string; segment: (string | string[])[] };

function upper(c: Claim, prefixes: readonly string[]): Carried[] {
  return (c.x12?.segments ?? []).filter((s) => prefixes.some((p) => s.loop === p || s.loop.startsWith(`${p}/`)));
}

const BILLING_LOOPS = ['2000A', '2010AA', '2010AB', '2010AC'];
const SUBSCRIBER_LOOPS = ['2000B', '2010BA', '2010BB'];
const PATIENT_LOOPS = ['2000C', '2010CA'];

function isSelf(c: Claim): boolean {
  return (c.subscriber?.relationship ?? 'self') === 'self';
}

function hl(level: string): OutSegment {
  return ['HL', '', '', level, ''];
}

function dmg(birthDate: string | undefined, sex: string | undefined): OutSegment | undefined {
  return birthDate ? ['DMG', 'D8', d8(birthDate), sex] : undefined;
}

function billingNode(c: Claim): Node {
  const b = c.providers.billing;
  if (!b) throw new MedcoderError('CLAIM_NOT_READY', `claim ${c.id}: providers.billing is missing`, { path: 'providers.billing' });
  const aa: OutSegment[] = [providerNm1('85', b), ...addressSegments(b.address)];
  const tax = taxIdRef(b);
  if (tax) aa.push(tax);
  if (b.phone) aa.push(['PER', 'IC', undefined, 'TE', b.phone.replace(/\D/g, '')]);
  const node2010: Node = { id: '2010AA', segments: aa, children: [] };
  const segs: OutSegment[] = [hl('20')];
  if (b.taxonomy) segs.push(['PRV', 'BI', 'PXC', b.taxonomy]);
  const node: Node = { id: '2000A', segments: segs, children: [node2010] };
  attachCarried(node, new Map([['2000A', node], ['2010AA', node2010]]), upper(c, BILLING_LOOPS));
  return node;
}

function subscriberNode(c: Claim): Node {
  const s = c.subscriber;
  if (!s) throw new MedcoderError('CLAIM_NOT_READY', `claim ${c.id}: subscriber is missing`, { path: 'subscriber' });
  const payer = c.payer;
  if (!payer) throw new MedcoderError('CLAIM_NOT_READY', `claim ${c.id}: payer is missing`, { path: 'payer' });
  const codes = x12Codes();
  const self = isSelf(c);
  const sbr: OutSegment = [
    'SBR', codes.responsibility[payer.responsibility] ?? 'P', self ? '18' : undefined, s.groupNumber, s.groupName, s.insuranceType,
    undefined, undefined, undefined, payer.filingIndicator,
  ];
  const ba: OutSegment[] = [personNm1('IL', s.name, 'MI', s.memberId)];
  ba.push(...addressSegments(self ? s.address ?? c.patient.address : s.address));
  const d = self ? dmg(s.birthDate ?? c.patient.birthDate, s.sex ?? c.patient.sex) : dmg(s.birthDate, s.sex);
  if (d) ba.push(d);
  const bb: OutSegment[] = [
    ['NM1', 'PR', '2', payer.name, undefined, undefined, undefined, undefined, payer.payerId ? payer.idQualifier ?? 'PI' : undefined, payer.payerId],
    ...addressSegments(payer.address),
  ];
  const nodeBA: Node = { id: '2010BA', segments: ba, children: [] };
  const nodeBB: Node = { id: '2010BB', segments: bb, children: [] };
  const node: Node = { id: '2000B', segments: [hl('22'), sbr], children: [nodeBA, nodeBB] };
  attachCarried(node, new Map([['2000B', node], ['2010BA', nodeBA], ['2010BB', nodeBB]]), upper(c, SUBSCRIBER_LOOPS));
  return node;
}

function patientNode(c: Claim): Node {
  const p = c.patient;
  const segs: OutSegment[] = [hl('23')];
  if (!carries(c, '2000C', 'PAT')) segs.push(['PAT', x12Codes().relationship[c.subscriber?.relationship ?? 'unknown'] ?? '21']);
  const ca: OutSegment[] = [personNm1('QC', p.name), ...addressSegments(p.address)];
  const d = dmg(p.birthDate, p.sex);
  if (d) ca.push(d);
  const nodeCA: Node = { id: '2010CA', segments: ca, children: [] };
  const node: Node = { id: '2000C', segments: segs, children: [nodeCA] };
  attachCarried(node, new Map([['2000C', node], ['2010CA', nodeCA]]), upper(c, PATIENT_LOOPS));
  return node;
}

const key = (v: unknown) => JSON.stringify(v ?? null);

/** The 2000A trees of a transaction: claims grouped by billing provider, subscriber and patient. */
export function hierarchy(claims: readonly Claim[], guide: Guide, options: Partial<PayerOptions> = {}): Node[] {
  const billing = new Map<string, { node: Node; subscribers: Map<string, { node: Node; patients: Map<string, Node> }> }>();
  for (const c of claims) {
    const o = payerOptions(c.payer?.payerId, options);
    const claimNode = guide === '837P' ? claimLoop837P(c, o) : claimLoop837I(c, o);
    const bKey = key([c.providers.billing, upper(c, BILLING_LOOPS)]);
    let b = billing.get(bKey);
    if (!b) {
      b = { node: billingNode(c), subscribers: new Map() };
      billing.set(bKey, b);
    }
    const self = isSelf(c);
    const sKey = key([c.subscriber, c.payer, self ? c.patient : null, upper(c, SUBSCRIBER_LOOPS)]);
    let s = b.subscribers.get(sKey);
    if (!s) {
      s = { node: subscriberNode(c), patients: new Map() };
      b.subscribers.set(sKey, s);
      b.node.children.push(s.node);
    }
    if (self) {
      s.node.children.push(claimNode);
    } else {
      const pKey = key([c.patient, c.subscriber?.relationship, upper(c, PATIENT_LOOPS)]);
      let p = s.patients.get(pKey);
      if (!p) {
        p = patientNode(c);
        s.patients.set(pKey, p);
        s.node.children.push(p);
      }
      p.children.push(claimNode);
    }
  }
  return [...billing.values()].map((b) => b.node);
}

const HL_LOOPS = new Set(['2000A', '2000B', '2000C']);

function numberHl(node: Node, parent: string, next: { n: number }): void {
  let self = parent;
  if (HL_LOOPS.has(node.id)) {
    self = String(next.n++);
    const hasChildren = node.children.some((c) => HL_LOOPS.has(c.id));
    node.segments[0] = ['HL', self, parent || undefined, node.id === '2000A' ? '20' : node.id === '2000B' ? '22' : '23', hasChildren ? '1' : '0'];
  }
  for (const c of node.children) numberHl(c, self, next);
}

/** The segments of one transaction, ST to SE. */
export function transactionSegments(guide: Guide, header: TransactionHeader, claims: readonly Claim[], options: Partial<PayerOptions> = {}): OutSegment[] {
  const table = loopTable(guide);
  const roots = hierarchy(claims, guide, options);
  const next = { n: 1 };
  const out = transactionHeaderSegments(header);
  for (const r of roots) {
    orderLoop(table, r, ':');
    numberHl(r, '', next);
    flattenLoops(r, out);
  }
  out.push(['SE', String(out.length + 1), header.controlNumber]);
  return out;
}

/** Write a whole file: ISA, groups, transactions, IEA. */
export function writeClaimFile(file: ClaimFile, options: Partial<PayerOptions> = {}): string {
  const d = file.delimiters;
  const parts: string[] = [writeIsa(file.interchange, d)];
  for (const g of file.groups) {
    parts.push(writeSegment(gsSegment(g.header), d));
    for (const t of g.transactions) {
      for (const s of transactionSegments(file.guide, t.header, t.claims, options)) parts.push(writeSegment(s, d));
    }
    parts.push(writeSegment(['GE', String(g.transactions.length), g.header.controlNumber], d));
  }
  parts.push(writeSegment(['IEA', String(file.groups.length), file.interchange.controlNumber], d));
  return parts.join('');
}

/** Write claims as one 837P or 837I interchange (one group, one transaction). */
export function build837(claims: readonly Claim[], guide: Guide, options: Build837Options): string {
  if (claims.length === 0) throw new MedcoderError('INVALID_ARGUMENT', 'no claims to write');
  const { interchange, group, transaction } = envelopeHeaders(options, IMPLEMENTATIONS[guide]);
  const delimiters = { ...DEFAULT_DELIMITERS, ...options.delimiters };
  return writeClaimFile({ guide, delimiters, interchange, groups: [{ header: group, transactions: [{ header: transaction, claims: [...claims] }] }] }, options.payerOptions);
}
