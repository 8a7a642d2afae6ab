/**
 * The X12 envelope around 837 claims: interchange (ISA/IEA), functional
 * group (GS/GE) and transaction set (ST/SE) with the transaction header
 * (BHT, submitter 1000A, receiver 1000B). Control numbers and counts are
 * written here and checked when a file is read.
 */
import { MedcoderError } from '../errors.js';
import { el, type Delimiters, type OutSegment, type Segment } from './segments.js';

/** ISA elements, kept as written (fixed width, padded) so a read file writes back unchanged. */
export interface InterchangeHeader {
  authorizationQualifier: string;
  authorization: string;
  securityQualifier: string;
  security: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** YYMMDD */
  date: string;
  /** HHMM */
  time: string;
  /** ISA12, 00501 for 5010. */
  version: string;
  /** ISA13, nine digits. */
  controlNumber: string;
  /** ISA14: 1 asks for a TA1 acknowledgment. */
  ackRequested: string;
  /** ISA15: P production, T test. */
  usage: string;
}

export interface GroupHeader {
  /** GS01, HC for health care claims. */
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  /** CCYYMMDD */
  date: string;
  /** HHMM, HHMMSS or HHMMSSDD */
  time: string;
  controlNumber: string;
  agency: string;
  /** GS08, e.g. 005010X222A1 */
  version: string;
}

export interface Contact {
  name?: string;
  /** Pairs of PER qualifier (TE phone, EX extension, EM e-mail, FX fax) and value. */
  numbers: { qualifier: string; value: string }[];
}

export interface TransactionHeader {
  controlNumber: string;
  /** ST03 implementation convention reference, e.g. 005010X222A1. */
  implementation: string;
  /** BHT01 hierarchical structure code (0019). */
  structure: string;
  /** BHT02: 00 original, 18 reissue. */
  purpose: string;
  /** BHT03: the originator's reference for this batch. */
  reference: string;
  /** BHT04 CCYYMMDD and BHT05 time. */
  date: string;
  time: string;
  /** BHT06: CH chargeable (claims), RP reporting (encounters), 31 subrogation demand. */
  type: string;
  submitter: { entity: string; name: string; first?: string; middle?: string; id: string; contacts: Contact[] };
  receiver: { name: string; id: string };
}

const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;

function fixed(value: string, width: number, name: string, zeroPad = false): string {
  if (value.length > width) throw new MedcoderError('INVALID_ARGUMENT', `${name} "${value}" is longer than ${width} characters`, { field: name });
  return zeroPad ? value.padStart(width, '0') : value.padEnd(width, ' ');
}

/** The ISA segment text: fixed width, with the delimiters it announces. */
export function writeIsa(h: InterchangeHeader, d: Delimiters): string {
  const values = [
    h.authorizationQualifier, h.authorization, h.securityQualifier, h.security,
    h.senderQualifier, h.senderId, h.receiverQualifier, h.receiverId,
    h.date, h.time, d.repetition, h.version, h.controlNumber, h.ackRequested, h.usage, d.component,
  ];
  const names = ['ISA01', 'ISA02', 'ISA03', 'ISA04', 'ISA05', 'ISA06', 'ISA07', 'ISA08', 'ISA09', 'ISA10', 'ISA11', 'ISA12', 'ISA13', 'ISA14', 'ISA15', 'ISA16'];
  const out = values.map((v, i) => fixed(v, ISA_WIDTHS[i]!, names[i]!, i === 12));
  return `ISA${d.element}${out.join(d.element)}${d.segment}${d.newline ?? ''}`;
}

export function readIsa(seg: Segment): InterchangeHeader {
  return {
    authorizationQualifier: el(seg, 1), authorization: el(seg, 2), securityQualifier: el(seg, 3), security: el(seg, 4),
    senderQualifier: el(seg, 5), senderId: el(seg, 6), receiverQualifier: el(seg, 7), receiverId: el(seg, 8),
    date: el(seg, 9), time: el(seg, 10), version: el(seg, 12), controlNumber: el(seg, 13), ackRequested: el(seg, 14), usage: el(seg, 15),
  };
}

export function gsSegment(g: GroupHeader): OutSegment {
  return ['GS', g.functionalId, g.senderCode, g.receiverCode, g.date, g.time, g.controlNumber, g.agency, g.version];
}

export function readGs(seg: Segment): GroupHeader {
  return {
    functionalId: el(seg, 1), senderCode: el(seg, 2), receiverCode: el(seg, 3), date: el(seg, 4), time: el(seg, 5),
    controlNumber: el(seg, 6), agency: el(seg, 7), version: el(seg, 8),
  };
}

function perSegment(c: Contact): OutSegment {
  const out: (string | undefined)[] = ['IC', c.name];
  for (const n of c.numbers.slice(0, 3)) out.push(n.qualifier, n.value);
  return ['PER', ...out];
}

export function readPer(seg: Segment): Contact {
  const c: Contact = { numbers: [] };
  if (el(seg, 2)) c.name = el(seg, 2);
  for (let i = 3; i + 1 < seg.length; i += 2) if (seg[i]) c.numbers.push({ qualifier: seg[i]!, value: seg[i + 1]! });
  return c;
}

/** ST, BHT, 1000A and 1000B. */
export function transactionHeaderSegments(t: TransactionHeader): OutSegment[] {
  const s = t.submitter;
  const out: OutSegment[] = [
    ['ST', '837', t.controlNumber, t.implementation],
    ['BHT', t.structure, t.purpose, t.reference, t.date, t.time, t.type],
    ['NM1', '41', s.entity, s.name, s.first, s.middle, undefined, undefined, '46', s.id],
  ];
  for (const c of s.contacts) out.push(perSegment(c));
  out.push(['NM1', '40', '2', t.receiver.name, undefined, undefined, undefined, undefined, '46', t.receiver.id]);
  return out;
}

/** Read ST and the header loops (BHT, 1000A, 1000B) from the transaction's header segments. */
export function readTransactionHeader(st: Segment, header: readonly Segment[], submitter: readonly Segment[], receiver: readonly Segment[]): TransactionHeader {
  const bht = header.find((s) => s[0] === 'BHT') ?? [];
  const nm1 = submitter[0] ?? [];
  const r = receiver[0] ?? [];
  const sub: TransactionHeader['submitter'] = { entity: el(nm1, 2), name: el(nm1, 3), id: el(nm1, 9), contacts: submitter.filter((s) => s[0] === 'PER').map(readPer) };
  if (el(nm1, 4)) sub.first = el(nm1, 4);
  if (el(nm1, 5)) sub.middle = el(nm1, 5);
  return {
    controlNumber: el(st, 2),
    implementation: el(st, 3),
    structure: el(bht, 1),
    purpose: el(bht, 2),
    reference: el(bht, 3),
    date: el(bht, 4),
    time: el(bht, 5),
    type: el(bht, 6),
    submitter: sub,
    receiver: { name: el(r, 3), id: el(r, 9) },
  };
}

// ------------------------------------------------------------- options

/** What a sender states once for every file it writes. */
export interface EnvelopeOptions {
  sender: { qualifier?: string; id: string };
  receiver: { qualifier?: string; id: string };
  /** Submitter (1000A): the practice or clearinghouse sending the file. */
  submitter: { name: string; id: string; entity?: 'person' | 'organization'; first?: string; contactName?: string; phone?: string; email?: string };
  /** Receiver (1000B): the payer or clearinghouse receiving the file. */
  receiverName: string;
  /** ISA15: T for test files (the default), P for production. */
  usage?: 'P' | 'T';
  ackRequested?: boolean;
  /** Control numbers (ISA13, GS06, ST02); 1 when not given. */
  interchangeControlNumber?: number;
  groupControlNumber?: number;
  transactionControlNumber?: number;
  /** BHT03: the batch reference; defaults to the transaction control number. */
  batchReference?: string;
  /** BHT06: CH claims (default), RP encounters reported to a plan that already paid. */
  transactionType?: 'CH' | 'RP';
  /** The time written into ISA, GS and BHT; now when not given. */
  now?: Date;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function controlNumber(n: number | undefined, digits: number, name: string): string {
  const v = n ?? 1;
  if (!Number.isInteger(v) || v < 1 || String(v).length > digits) {
    throw new MedcoderError('INVALID_ARGUMENT', `${name} must be a whole number from 1 to ${'9'.repeat(digits)}, got ${n}`, { field: name });
  }
  return String(v);
}

export function envelopeHeaders(o: EnvelopeOptions, implementation: string): { interchange: InterchangeHeader; group: GroupHeader; transaction: TransactionHeader } {
  const now = o.now ?? new Date();
  const yyyy = String(now.getUTCFullYear());
  const mmdd = two(now.getUTCMonth() + 1) + two(now.getUTCDate());
  const hhmm = two(now.getUTCHours()) + two(now.getUTCMinutes());
  const st = controlNumber(o.transactionControlNumber, 9, 'transactionControlNumber').padStart(4, '0');
  const interchange: InterchangeHeader = {
    authorizationQualifier: '00', authorization: '', securityQualifier: '00', security: '',
    senderQualifier: o.sender.qualifier ?? 'ZZ', senderId: o.sender.id, receiverQualifier: o.receiver.qualifier ?? 'ZZ', receiverId: o.receiver.id,
    date: yyyy.slice(2) + mmdd, time: hhmm, version: '00501',
    controlNumber: controlNumber(o.interchangeControlNumber, 9, 'interchangeControlNumber').padStart(9, '0'),
    ackRequested: o.ackRequested ? '1' : '0', usage: o.usage ?? 'T',
  };
  const group: GroupHeader = {
    functionalId: 'HC', senderCode: o.sender.id, receiverCode: o.receiver.id, date: yyyy + mmdd, time: hhmm,
    controlNumber: controlNumber(o.groupControlNumber, 9, 'groupControlNumber'), agency: 'X', version: implementation,
  };
  const contact: Contact = { numbers: [] };
  if (o.submitter.contactName) contact.name = o.submitter.contactName;
  if (o.submitter.phone) contact.numbers.push({ qualifier: 'TE', value: o.submitter.phone.replace(/\D/g, '') });
  if (o.submitter.email) contact.numbers.push({ qualifier: 'EM', value: o.submitter.email });
  const person = o.submitter.entity === 'person';
  const transaction: TransactionHeader = {
    controlNumber: st, implementation, structure: '0019', purpose: '00', reference: o.batchReference ?? st,
    date: yyyy + mmdd, time: hhmm, type: o.transactionType ?? 'CH',
    submitter: { entity: person ? '1' : '2', name: o.submitter.name, id: o.submitter.id, contacts: contact.name || contact.numbers.length ? [contact] : [], ...(person && o.submitter.first ? { first: o.submitter.first } : {}) },
    receiver: { name: o.receiverName, id: o.receiver.id },
  };
  return { interchange, group, transaction };
}

// ------------------------------------------------------------- checking

export interface EnvelopeIssue {
  segment: string;
  message: string;
}

/**
 * Check control numbers and counts of a tokenized interchange: SE01 counts
 * ST to SE, GE01 the transactions, IEA01 the groups; trailer control numbers
 * repeat their headers'.
 */
export function checkEnvelope(segments: readonly Segment[]): EnvelopeIssue[] {
  const issues: EnvelopeIssue[] = [];
  let isa: Segment | undefined;
  let gs: Segment | undefined;
  let st: Segment | undefined;
  let stIndex = 0;
  let groups = 0;
  let transactions = 0;
  segments.forEach((s, i) => {
    switch (s[0]) {
      case 'ISA': isa = s; groups = 0; break;
      case 'GS': gs = s; groups++; transactions = 0; break;
      case 'ST': st = s; stIndex = i; transactions++; break;
      case 'SE': {
        const count = i - stIndex + 1;
        if (!st) issues.push({ segment: 'SE', message: 'SE without ST' });
        else {
          if (el(s, 1) !== String(count)) issues.push({ segment: 'SE01', message: `SE01 says ${el(s, 1)} segments, the transaction has ${count}` });
          if (el(s, 2) !== el(st, 2)) issues.push({ segment: 'SE02', message: `SE02 ${el(s, 2)} does not repeat ST02 ${el(st, 2)}` });
        }
        st = undefined;
        break;
      }
      case 'GE':
        if (!gs) issues.push({ segment: 'GE', message: 'GE without GS' });
        else {
          if (el(s, 1) !== String(transactions)) issues.push({ segment: 'GE01', message: `GE01 says ${el(s, 1)} transactions, the group has ${transactions}` });
          if (el(s, 2) !== el(gs, 6)) issues.push({ segment: 'GE02', message: `GE02 ${el(s, 2)} does not repeat GS06 ${el(gs, 6)}` });
        }
        gs = undefined;
        break;
      case 'IEA':
        if (!isa) issues.push({ segment: 'IEA', message: 'IEA without ISA' });
        else {
          if (el(s, 1) !== String(groups)) issues.push({ segment: 'IEA01', message: `IEA01 says ${el(s, 1)} groups, the interchange has ${groups}` });
          if (el(s, 2) !== el(isa, 13)) issues.push({ segment: 'IEA02', message: `IEA02 ${el(s, 2)} does not repeat ISA13 ${el(isa, 13)}` });
        }
        isa = undefined;
        break;
    }
  });
  if (st) issues.push({ segment: 'SE', message: 'the last transaction has no SE' });
  if (gs) issues.push({ segment: 'GE', message: 'the last group has no GE' });
  if (isa) issues.push({ segment: 'IEA', message: 'the interchange has no IEA' });
  return issues;
}
