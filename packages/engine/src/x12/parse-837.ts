/**
 * Reading 837P and 837I files back into the claim model.
 *
 * Each transaction's segments are placed into loops (loops.ts), then each
 * claim loop (2300) becomes one `Claim` with what its parent loops say about
 * the billing provider, subscriber, payer and patient. A segment the model
 * holds is read into the model; every other segment is kept, with its loop
 * path, in `claim.x12.segments`, so that writing the claims again gives the
 * same file. Parsed claims are not validated: `safeParseClaim` and
 * `preflight` say what is wrong with them.
 */
import type { Claim, ClaimLine, Diagnosis, Provider } from '../claims/model.js';
import { MedcoderError } from '../errors.js';
import { REPEATING } from './claim-common.js';
import { dotted, inverse, x12Codes } from './codes.js';
import { readGs, readIsa, readTransactionHeader } from './envelope.js';
import { LoopBuilder, loopTable, type Guide, type LoopNode } from './loops.js';
import { carriedForm, nm1Modelled, readAddress, readPersonName, readProvider } from './parties.js';
import { components, delimitersAt, el, findInterchange, forEachSegment, isoFromD8, readDecimal, type Delimiters, type Segment } from './segments.js';
import type { ClaimFile } from './write-837.js';

type Node = LoopNode<Segment>;
type Carried = { loop: string; segment: (string | string[])[] };

export interface ParseIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Where: a segment tag, loop path or claim id. */
  at?: string;
}

export interface Parsed837 extends ClaimFile {
  /** Every claim of every transaction, in file order. */
  claims: Claim[];
  issues: ParseIssue[];
  /** Segments kept in `x12.segments` because the model does not hold them. */
  carriedSegments: number;
}

/** 837P or 837I from the implementation reference (ST03 or GS08). */
export function guideOf(version: string): Guide | undefined {
  if (/X222/.test(version)) return '837P';
  if (/X223/.test(version)) return '837I';
  return undefined;
}

// ---------------------------------------------------------------- context

interface Ctx {
  d: Delimiters;
  guide: Guide;
  issues: ParseIssue[];
}

class Carry {
  readonly list: Carried[] = [];
  constructor(private readonly d: Delimiters) {}
  seg(loop: string, seg: Segment): void {
    this.list.push({ loop, segment: carriedForm(seg, this.d) });
  }
  /** A whole loop (and its children) that the model does not hold. */
  loop(path: string, node: Node): void {
    for (const s of node.segments) this.seg(path, s);
    childPaths(path, node, (p, c) => this.loop(p, c));
  }
}

/** The path step of child `i` of a node (`2400[1]` for loops that repeat). */
function stepOf(node: Node, i: number): string {
  const id = node.children[i]!.id;
  if (!REPEATING.has(id)) return id;
  let n = 0;
  for (let k = 0; k < i; k++) if (node.children[k]!.id === id) n++;
  return `${id}[${n}]`;
}

/** Visit a node's children with their paths (`2400[1]`, `2400[1]/2430[0]`). */
function childPaths(path: string, node: Node, visit: (p: string, c: Node) => void): void {
  for (let i = 0; i < node.children.length; i++) {
    const step = stepOf(node, i);
    visit(path ? `${path}/${step}` : step, node.children[i]!);
  }
}


/** The tax id of an REF*EI / REF*SY. */
function taxId(seg: Segment): Provider['taxId'] {
  return { type: el(seg, 1) === 'SY' ? 'SSN' : 'EIN', value: el(seg, 2) };
}

/** Read N3/N4 of a loop into an address when they are plain; otherwise they are carried. */
function takeAddress(node: Node, path: string, carry: Carry, used: Set<Segment>): Provider['address'] | undefined {
  const n3 = node.segments.find((s) => s[0] === 'N3');
  const n4 = node.segments.find((s) => s[0] === 'N4');
  const a = readAddress(n3, n4);
  if (a) {
    used.add(n3!);
    used.add(n4!);
  }
  return a;
}

function carryRest(node: Node, path: string, carry: Carry, used: Set<Segment>): void {
  for (const s of node.segments) if (!used.has(s)) carry.seg(path, s);
}

/** A provider loop: NM1, N3/N4 when asked, PRV with the given qualifier; the rest carried. */
function providerFrom(ctx: Ctx, node: Node, path: string, carry: Carry, o: { address?: boolean; prv?: string } = {}): Provider {
  const segs = node.segments;
  const nm1 = segs[0]!;
  const p = readProvider(nm1);
  if (!nm1Modelled(nm1)) ctx.issues.push({ severity: 'warning', message: 'NM1 holds elements the claim model does not keep (name prefix, other id types)', at: path });
  let n3 = -1;
  let n4 = -1;
  let prv = -1;
  for (let i = 1; i < segs.length; i++) {
    const t = segs[i]![0];
    if (t === 'N3' && n3 < 0) n3 = i;
    else if (t === 'N4' && n4 < 0) n4 = i;
    else if (t === 'PRV' && prv < 0) prv = i;
  }
  if (o.address && n3 > 0 && n4 > 0) {
    const a = readAddress(segs[n3], segs[n4]);
    if (a) p.address = a;
    else n3 = n4 = -1;
  } else n3 = n4 = -1;
  if (prv > 0) {
    const s = segs[prv]!;
    if (o.prv && el(s, 1) === o.prv && el(s, 2) === 'PXC' && s.length === 4) p.taxonomy = el(s, 3);
    else prv = -1;
  }
  for (let i = 1; i < segs.length; i++) if (i !== n3 && i !== n4 && i !== prv) carry.seg(path, segs[i]!);
  if (node.children.length) childPaths(path, node, (cp, c) => carry.loop(cp, c));
  return p;
}

// ------------------------------------------------------------ upper loops

interface Upper {
  billing?: Provider;
  subscriber?: Claim['subscriber'];
  payer?: Claim['payer'];
  patient?: Partial<Claim['patient']>;
  self: boolean;
  carried: Carried[];
}

function readBilling(ctx: Ctx, node: Node): Upper {
  const carry = new Carry(ctx.d);
  let billing: Provider | undefined;
  let taxonomy: string | undefined;
  for (const s of node.segments.slice(1)) {
    if (s[0] === 'PRV' && el(s, 1) === 'BI' && el(s, 2) === 'PXC' && s.length === 4 && !taxonomy) taxonomy = el(s, 3);
    else carry.seg('2000A', s);
  }
  for (const c of node.children) {
    if (c.id === '2010AA') {
      const used = new Set<Segment>();
      billing = providerFrom(ctx, { ...c, segments: c.segments.filter((s) => s[0] === 'NM1') }, '2010AA', carry);
      const a = takeAddress(c, '2010AA', carry, used);
      if (a) billing.address = a;
      used.add(c.segments[0]!);
      const ref = c.segments.find((s) => s[0] === 'REF' && (el(s, 1) === 'EI' || el(s, 1) === 'SY') && s.length === 3 && el(s, 2) !== '');
      if (ref) {
        billing.taxId = taxId(ref);
        used.add(ref);
      }
      const per = c.segments.find((s) => s[0] === 'PER');
      if (per && per.length === 5 && el(per, 1) === 'IC' && !el(per, 2) && el(per, 3) === 'TE') {
        billing.phone = el(per, 4);
        used.add(per);
      }
      carryRest(c, '2010AA', carry, used);
    } else if (c.id !== '2000B') {
      carry.loop(c.id, c);
    }
  }
  if (billing && taxonomy) billing.taxonomy = taxonomy;
  return { ...(billing ? { billing } : {}), self: true, carried: carry.list };
}

function readSubscriber(ctx: Ctx, node: Node, up: Upper): Upper {
  const carry = new Carry(ctx.d);
  const codes = x12Codes();
  const sbr = node.segments.find((s) => s[0] === 'SBR');
  const self = sbr ? el(sbr, 2) === '18' : true;
  const subscriber = { relationship: 'self' } as NonNullable<Claim['subscriber']>;
  const payer = { responsibility: 'primary' } as NonNullable<Claim['payer']>;
  const patient: Partial<Claim['patient']> = {};
  for (const s of node.segments.slice(1)) {
    if (s === sbr) {
      const resp = inverse(codes.responsibility)[el(s, 1)];
      if (resp) payer.responsibility = resp as typeof payer.responsibility;
      else ctx.issues.push({ severity: 'warning', message: `SBR01 "${el(s, 1)}" is not P, S or T`, at: '2000B' });
      if (el(s, 3)) subscriber.groupNumber = el(s, 3);
      if (el(s, 4)) subscriber.groupName = el(s, 4);
      if (el(s, 5)) subscriber.insuranceType = el(s, 5);
      if (el(s, 9)) payer.filingIndicator = el(s, 9);
      if (el(s, 2) && el(s, 2) !== '18') ctx.issues.push({ severity: 'warning', message: `SBR02 "${el(s, 2)}" is not 18 (self)`, at: '2000B' });
      if (el(s, 6) || el(s, 7) || el(s, 8) || s.length > 10) ctx.issues.push({ severity: 'warning', message: 'SBR06-SBR08 are not kept', at: '2000B' });
    } else carry.seg('2000B', s);
  }
  for (const c of node.children) {
    if (c.id === '2010BA') {
      const used = new Set<Segment>();
      const nm1 = c.segments[0]!;
      used.add(nm1);
      subscriber.name = readPersonName(nm1);
      subscriber.memberId = el(nm1, 9);
      if (el(nm1, 2) !== '1' || (el(nm1, 8) && el(nm1, 8) !== 'MI') || el(nm1, 6)) {
        ctx.issues.push({ severity: 'warning', message: 'subscriber NM1 holds elements the claim model does not keep', at: '2010BA' });
      }
      const a = takeAddress(c, '2010BA', carry, used);
      if (a) (self ? patient : subscriber).address = a;
      const dmg = c.segments.find((s) => s[0] === 'DMG' && el(s, 1) === 'D8' && s.length <= 4);
      const dob = dmg && isoFromD8(el(dmg, 2));
      if (dmg && dob) {
        used.add(dmg);
        const target = self ? patient : subscriber;
        target.birthDate = dob;
        if (el(dmg, 3)) target.sex = el(dmg, 3) as 'F' | 'M' | 'U';
      }
      if (self) patient.name = subscriber.name;
      carryRest(c, '2010BA', carry, used);
    } else if (c.id === '2010BB') {
      const used = new Set<Segment>();
      const nm1 = c.segments[0]!;
      used.add(nm1);
      payer.name = el(nm1, 3);
      if (el(nm1, 9)) payer.payerId = el(nm1, 9);
      if (el(nm1, 8) === 'XV') payer.idQualifier = 'XV';
      const a = takeAddress(c, '2010BB', carry, used);
      if (a) payer.address = a;
      carryRest(c, '2010BB', carry, used);
    } else if (c.id !== '2000C' && c.id !== '2300') {
      carry.loop(c.id, c);
    }
  }
  return { ...up, subscriber, payer, patient, self, carried: [...up.carried, ...carry.list] };
}

function readPatient(ctx: Ctx, node: Node, up: Upper): Upper {
  const carry = new Carry(ctx.d);
  const subscriber = { ...up.subscriber! };
  const patient: Partial<Claim['patient']> = {};
  const rel = inverse(x12Codes().relationship);
  for (const s of node.segments.slice(1)) {
    if (s[0] === 'PAT') {
      subscriber.relationship = (rel[el(s, 1)] ?? 'unknown') as typeof subscriber.relationship;
      if (s.length > 2) carry.seg('2000C', s);
    } else carry.seg('2000C', s);
  }
  for (const c of node.children) {
    if (c.id === '2010CA') {
      const used = new Set<Segment>();
      const nm1 = c.segments[0]!;
      used.add(nm1);
      if (el(nm1, 3) || el(nm1, 4)) patient.name = readPersonName(nm1);
      const a = takeAddress(c, '2010CA', carry, used);
      if (a) patient.address = a;
      const dmg = c.segments.find((s) => s[0] === 'DMG' && el(s, 1) === 'D8' && s.length <= 4);
      const dob = dmg && isoFromD8(el(dmg, 2));
      if (dmg && dob) {
        used.add(dmg);
        patient.birthDate = dob;
        if (el(dmg, 3)) patient.sex = el(dmg, 3) as 'F' | 'M' | 'U';
      }
      carryRest(c, '2010CA', carry, used);
    } else if (c.id !== '2300') {
      carry.loop(c.id, c);
    }
  }
  return { ...up, subscriber, patient, self: false, carried: [...up.carried, ...carry.list] };
}

// ------------------------------------------------------------------ claim

interface DiagnosisHi {
  role: string;
  /** Qualifier of the first composite (ABK, BK, …): three letters for ICD-10 codes. */
  qualifier: string;
  items: { code: string; poa?: string; d?: string; to?: string; amount?: number }[];
}

/** Read one HI segment when all its composites share a role and have the shapes medcoder writes. */
function readHi(seg: Segment, d: Delimiters, roles: Record<string, string>): DiagnosisHi | undefined {
  let role: string | undefined;
  const items: DiagnosisHi['items'] = [];
  let first = '';
  for (let i = 1; i < seg.length; i++) {
    const e = seg[i]!;
    const at = e.indexOf(d.component);
    if (at < 0) return undefined;
    // Most composites are qualifier and code alone: no split needed.
    const simple = e.indexOf(d.component, at + 1) < 0;
    const qual = e.slice(0, at);
    const r = roles[qual];
    if (!r || (role && r !== role)) return undefined;
    if (!role) first = qual;
    role = r;
    const c = simple ? [qual, e.slice(at + 1)] : e.split(d.component);
    const code = c[1] ?? '';
    if (!code) return undefined;
    if (r === 'dx9' || r === 'dx10' || r === 'admitting' || r === 'reason' || r === 'external') {
      const poa = c[8];
      if (c.length === 2) items.push({ code });
      else if (c.length === 9 && c.slice(2, 8).every((x) => !x) && poa) items.push({ code, poa });
      else return undefined;
    } else if (r === 'condition') {
      if (c.length !== 2) return undefined;
      items.push({ code });
    } else if (r === 'occurrence' || r === 'procedure') {
      const date = c[2] === 'D8' && c.length === 4 ? isoFromD8(c[3]) : undefined;
      if (!date) return undefined;
      items.push({ code, d: date });
    } else if (r === 'span') {
      const [a, b] = (c[3] ?? '').split('-');
      const from = c[2] === 'RD8' && c.length === 4 ? isoFromD8(a) : undefined;
      const to = isoFromD8(b);
      if (!from || !to) return undefined;
      items.push({ code, d: from, to });
    } else if (r === 'value') {
      const amount = readDecimal(c[4]);
      if (c.length !== 5 || c[2] || c[3] || Number.isNaN(amount)) return undefined;
      items.push({ code, amount });
    }
  }
  return role ? { role, qualifier: first, items } : undefined;
}

function readLine(ctx: Ctx, node: Node, index: number, carry: Carry): ClaimLine {
  const d = ctx.d;
  const professional = ctx.guide === '837P';
  const line = { modifiers: [] as string[], diagnosisPointers: [] as number[], unitType: 'UN' } as unknown as ClaimLine;
  let path: string | undefined;
  const here = () => (path ??= `2400[${index}]`);
  const svTag = professional ? 'SV1' : 'SV2';
  let sv: Segment | undefined;
  let dated = false;
  const segs = node.segments;
  for (let k = 1; k < segs.length; k++) {
    const s = segs[k]!;
    const tag = s[0];
    if (tag === svTag && !sv) {
      sv = s;
      readService(ctx, line, s, here);
      continue;
    }
    if (tag === 'DTP' && !dated && s[1] === '472' && s.length === 4) {
      const v = s[3]!;
      if (s[2] === 'D8') {
        const iso = isoFromD8(v);
        if (iso) {
          line.date = iso;
          dated = true;
          continue;
        }
      } else if (s[2] === 'RD8' && v.length === 17 && v[8] === '-') {
        const from = isoFromD8(v.slice(0, 8));
        const to = isoFromD8(v.slice(9));
        if (from && to) {
          line.date = from;
          line.dateTo = to;
          dated = true;
          continue;
        }
      }
    }
    if (tag === 'REF' && s[1] === '6R' && s.length === 3 && line.id === undefined) {
      line.id = s[2]!;
      continue;
    }
    carry.seg(here(), s);
  }
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    const p = `${here()}/${stepOf(node, i)}`;
    if (c.id === '2410') {
      const lin = c.segments[0]!;
      const ctp = c.segments[1];
      const qty = ctp && ctp[0] === 'CTP' ? readDecimal(ctp[4]) : NaN;
      const unit = ctp && ctp[0] === 'CTP' ? components(ctp[5], d) : [];
      if (lin.length === 4 && !lin[1] && lin[2] === 'N4' && ctp && ctp.length === 6 && !ctp[1] && !ctp[2] && !ctp[3] && !Number.isNaN(qty) && unit.length === 1) {
        line.ndc = { code: lin[3]!, quantity: qty, unit: unit[0] as NonNullable<ClaimLine['ndc']>['unit'] };
        for (let k = 2; k < c.segments.length; k++) carry.seg(p, c.segments[k]!);
        for (const g of c.children) carry.loop(`${p}/${g.id}`, g);
      } else carry.loop(p, c);
    } else if (c.id === (professional ? '2420A' : '2420C')) {
      line.renderingProvider = providerFrom(ctx, c, p, carry, { prv: professional ? 'PE' : 'none' });
    } else carry.loop(p, c);
  }
  return line;
}

/** SV1 (837P) or SV2 (837I) into the line. */
function readService(ctx: Ctx, line: ClaimLine, sv: Segment, here: () => string): void {
  const d = ctx.d;
  const professional = ctx.guide === '837P';
  const proc = components(professional ? sv[1] : sv[2], d);
  const at = professional ? 2 : 3;
  if (proc.length && proc[0] !== 'HC') ctx.issues.push({ severity: 'warning', message: `procedure qualifier ${proc[0]} is read as HC`, at: here() });
  if (proc[1]) line.code = proc[1];
  for (let m = 2; m < 6 && m < proc.length; m++) if (proc[m]) line.modifiers.push(proc[m]!);
  if (proc[6]) line.description = proc[6];
  const charge = readDecimal(sv[at]);
  if (!Number.isNaN(charge)) line.charge = charge;
  if (sv[at + 1]) line.unitType = sv[at + 1] as ClaimLine['unitType'];
  const units = readDecimal(sv[at + 2]);
  if (!Number.isNaN(units)) line.units = units;
  if (professional) {
    if (sv[5]) line.placeOfService = sv[5];
    const ptr = sv[7];
    if (ptr) {
      if (ptr.indexOf(d.component) < 0) line.diagnosisPointers.push(Number(ptr));
      else for (const x of ptr.split(d.component)) line.diagnosisPointers.push(Number(x));
    }
    if (sv[9] === 'Y') line.emergency = true;
    if (sv[6] || sv[8] || sv.length > 10) ctx.issues.push({ severity: 'warning', message: 'SV106, SV108 and SV110 on are not kept', at: here() });
  } else {
    if (sv[1]) line.revenueCode = sv[1];
    if (sv.length > 6) ctx.issues.push({ severity: 'warning', message: 'SV206 (unit rate) and SV207 (non-covered charge) are not kept', at: here() });
  }
}

const PROVIDER_LOOPS: Record<Guide, Record<string, { role: keyof Claim['providers']; nm1: string; address?: boolean; prv?: string }>> = {
  '837P': {
    '2310A': { role: 'referring', nm1: 'DN' },
    '2310B': { role: 'rendering', nm1: '82', prv: 'PE' },
    '2310C': { role: 'serviceFacility', nm1: '77', address: true },
  },
  '837I': {
    '2310A': { role: 'attending', nm1: '71', prv: 'AT' },
    '2310B': { role: 'operating', nm1: '72' },
    '2310D': { role: 'rendering', nm1: '82' },
    '2310E': { role: 'serviceFacility', nm1: '77', address: true },
    '2310F': { role: 'referring', nm1: 'DN' },
  },
};

/** What each HI qualifier holds, by guide. */
const HI_PROFESSIONAL: Record<string, string> = { ABK: 'dx10', ABF: 'dx10', BK: 'dx9', BF: 'dx9', BG: 'condition' };
const HI_ROLES: Record<Guide, Record<string, string>> = {
  '837P': HI_PROFESSIONAL,
  '837I': {
    ...HI_PROFESSIONAL,
    ABJ: 'admitting', BJ: 'admitting', APR: 'reason', PR: 'reason', ABN: 'external', BN: 'external',
    BBR: 'procedure', BR: 'procedure', BBQ: 'procedure', BQ: 'procedure', BI: 'span', BH: 'occurrence', BE: 'value',
  },
};

function readClaim(ctx: Ctx, node: Node, up: Upper): Claim {
  const d = ctx.d;
  const codes = x12Codes();
  const carry = new Carry(d);
  const used = new Set<Segment>();
  const clm = node.segments[0]!;
  used.add(clm);
  const c = {
    id: el(clm, 1),
    frequencyCode: '1',
    setting: ctx.guide === '837P' ? 'professional' : 'outpatient-facility',
    patient: { ...up.patient },
    providers: {},
    diagnoses: [] as Diagnosis[],
    procedures: [],
    lines: [],
  } as unknown as Claim;
  if (up.subscriber) c.subscriber = { ...up.subscriber };
  if (up.payer) c.payer = up.payer;
  if (up.billing) c.providers.billing = up.billing;
  const total = readDecimal(el(clm, 2));
  if (!Number.isNaN(total)) c.totalCharge = total;
  const place = components(el(clm, 5), d);
  if (place[2]) c.frequencyCode = place[2];
  if (ctx.guide === '837P') {
    if (place[0]) c.placeOfService = place[0];
  } else if (place[0]) {
    c.typeOfBill = `0${place[0]}${place[2] ?? ''}`;
    if (codes.inpatientBillClassifications.includes(place[0].slice(1, 2))) c.setting = 'inpatient';
  }
  // CLM06-CLM12, CLM20: only what differs from the guide's defaults is kept.
  const def = codes.claimDefaults[ctx.guide];
  const ind: NonNullable<Claim['indicators']> = {};
  if (el(clm, 6) !== (def.providerSignature ?? '')) ind.providerSignature = el(clm, 6) === 'Y';
  if (el(clm, 7) !== (def.assignment ?? '')) ind.assignment = el(clm, 7) as 'A';
  if (el(clm, 8) !== (def.benefitsAssigned ?? '')) ind.benefitsAssigned = el(clm, 8) as 'Y';
  if (el(clm, 9) !== (def.releaseOfInformation ?? '')) ind.releaseOfInformation = el(clm, 9) as 'Y';
  if (el(clm, 10)) ind.patientSignatureSource = el(clm, 10);
  if (el(clm, 11)) {
    const r = components(el(clm, 11), d);
    ind.relatedCauses = r.slice(0, 3).filter(Boolean) as ('AA' | 'EM' | 'OA')[];
    if (r[3]) ind.accidentState = r[3];
    if (r[4]) ind.accidentCountry = r[4];
  }
  if (el(clm, 12)) ind.specialProgram = el(clm, 12);
  if (el(clm, 20)) ind.delayReason = el(clm, 20);
  if ([3, 4, 13, 14, 15, 16, 17, 18, 19].some((i) => el(clm, i)) || clm.length > 21) ctx.issues.push({ severity: 'warning', message: 'CLM elements 03, 04, 13-19 are not kept', at: c.id });
  if (Object.keys(ind).length) c.indicators = ind;

  const refs = inverse(codes.claimReferences as unknown as Record<string, string>);
  const hiRoles = HI_ROLES[ctx.guide];
  let dischargeHour: number | undefined;
  let dischargeDtp: Segment | undefined;
  let cl1: Segment | undefined;
  const f: NonNullable<Claim['facilityCodes']> = {};
  for (const s of node.segments.slice(1)) {
    const tag = s[0];
    let taken = false;
    if (tag === 'DTP') {
      const qual = el(s, 1);
      const fmt = el(s, 2);
      const v = el(s, 3);
      const [a, b] = v.split('-');
      if (ctx.guide === '837I' && qual === '434' && fmt === 'RD8' && isoFromD8(a) && isoFromD8(b) && !c.serviceDates) {
        c.serviceDates = { from: isoFromD8(a)!, to: isoFromD8(b)! };
        taken = true;
      } else if (qual === '435' && !c.admission && fmt === 'D8' && isoFromD8(v)) {
        c.admission = { date: isoFromD8(v)! };
        taken = true;
      } else if (ctx.guide === '837I' && qual === '435' && !c.admission && fmt === 'DT' && /^\d{10}00$/.test(v) && isoFromD8(v.slice(0, 8))) {
        c.admission = { date: isoFromD8(v.slice(0, 8))!, hour: Number(v.slice(8, 10)) };
        taken = true;
      } else if (ctx.guide === '837P' && qual === '096' && !c.discharge && fmt === 'D8' && isoFromD8(v)) {
        c.discharge = { date: isoFromD8(v)! };
        taken = true;
      } else if (ctx.guide === '837I' && qual === '096' && fmt === 'TM' && /^([01]\d|2[0-3])00$/.test(v) && dischargeHour === undefined) {
        dischargeHour = Number(v.slice(0, 2));
        dischargeDtp = s;
        taken = true;
      } else if (/^\d{3}$/.test(qual) && !['434', '435', '096', '472'].includes(qual)) {
        if (fmt === 'D8' && isoFromD8(v) && s.length === 4) {
          (c.dates ??= []).push({ qualifier: qual, date: isoFromD8(v)! });
          taken = true;
        } else if (fmt === 'RD8' && isoFromD8(a) && isoFromD8(b) && s.length === 4) {
          (c.dates ??= []).push({ qualifier: qual, date: isoFromD8(a)!, to: isoFromD8(b)! });
          taken = true;
        }
      }
    } else if (tag === 'CL1' && ctx.guide === '837I' && !cl1 && s.length <= 4) {
      cl1 = s;
      taken = true;
    } else if (tag === 'REF' && s.length === 3) {
      const field = refs[el(s, 1)];
      if (field === 'medicalRecordNumber' && !c.patient.medicalRecordNumber) c.patient.medicalRecordNumber = el(s, 2);
      else if (field && field !== 'medicalRecordNumber' && !(c as unknown as Record<string, unknown>)[field]) (c as unknown as Record<string, unknown>)[field] = el(s, 2);
      taken = !!field;
    } else if (tag === 'HI') {
      const hi = readHi(s, d, hiRoles);
      if (hi) {
        taken = true;
        const version = hi.qualifier.length === 3 || hi.qualifier === 'BG' ? '10' : '9';
        const items = hi.items;
        switch (hi.role) {
          case 'dx9':
          case 'dx10': {
            const v = hi.role === 'dx9' ? '9' : '10';
            if (v === '9') c.icdVersion = '9';
            for (const it of items) c.diagnoses.push({ code: dotted(it.code, v), ...(it.poa ? { poa: it.poa as 'Y' } : {}) });
            break;
          }
          case 'admitting':
            c.admittingDiagnosis = dotted(items[0]!.code, version);
            break;
          case 'reason':
            c.reasonForVisit = items.map((it) => dotted(it.code, version));
            break;
          case 'external':
            (c.externalCauses ??= []).push(...items.map((it) => ({ code: dotted(it.code, version), ...(it.poa ? { poa: it.poa as 'Y' } : {}) })));
            break;
          case 'procedure':
            if (version === '9') c.icdVersion = '9';
            c.procedures.push(...items.map((it) => ({ code: it.code, date: it.d! })));
            break;
          case 'condition':
            (f.conditionCodes ??= []).push(...items.map((it) => it.code));
            break;
          case 'occurrence':
            (f.occurrences ??= []).push(...items.map((it) => ({ code: it.code, date: it.d! })));
            break;
          case 'span':
            (f.occurrenceSpans ??= []).push(...items.map((it) => ({ code: it.code, from: it.d!, to: it.to! })));
            break;
          case 'value':
            (f.values ??= []).push(...items.map((it) => ({ code: it.code, amount: it.amount! })));
            break;
        }
      }
    }
    if (taken) used.add(s);
  }
  if (cl1) {
    const [type, source, status] = [el(cl1, 1), el(cl1, 2), el(cl1, 3)];
    if (c.admission) {
      if (type) c.admission.type = type;
      if (source) c.admission.source = source;
    } else {
      if (type) f.admissionType = type;
      if (source) f.admissionSource = source;
    }
    if (c.setting === 'inpatient' && c.serviceDates) {
      c.discharge = { date: c.serviceDates.to, ...(dischargeHour !== undefined ? { hour: dischargeHour } : {}), ...(status ? { status } : {}) };
      dischargeHour = undefined;
    } else if (status) f.patientStatus = status;
  }
  if (dischargeHour !== undefined && dischargeDtp) {
    if (c.setting === 'inpatient' && c.serviceDates) c.discharge = { date: c.serviceDates.to, hour: dischargeHour };
    else used.delete(dischargeDtp);
  }
  if (Object.keys(f).length) c.facilityCodes = f;
  carryRest(node, '2300', carry, used);

  const roles = PROVIDER_LOOPS[ctx.guide];
  let lineIndex = 0;
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.id === '2400') {
      c.lines.push(readLine(ctx, child, lineIndex++, carry));
      continue;
    }
    const r = roles[child.id];
    if (r && child.segments[0]![1] === r.nm1 && !c.providers[r.role]) c.providers[r.role] = providerFrom(ctx, child, child.id, carry, r);
    else carry.loop(stepOf(node, i), child);
  }
  const carried = up.carried.length ? [...up.carried, ...carry.list] : carry.list;
  if (carried.length) c.x12 = { segments: carried };
  return c;
}

const HL_LOOPS = new Set(['2000A', '2000B', '2000C']);

/** One transaction being read: loops placed as segments arrive, each claim read as soon as its loop closes. */
class TransactionReader {
  readonly builder: LoopBuilder<Segment>;
  readonly claims: Claim[] = [];
  private readonly uppers = new Map<Node, Upper>();
  private open: { node: Node; depth: number; parent: Node; up: Upper } | undefined;

  constructor(readonly ctx: Ctx, private readonly onClaim?: (claim: Claim) => void) {
    this.builder = new LoopBuilder<Segment>(loopTable(ctx.guide), ctx.d.component);
  }

  push(seg: Segment): void {
    const b = this.builder;
    b.push(seg);
    const open = this.open;
    if (open && b.stack[open.depth] !== open.node) this.finish();
    const top = b.stack[b.stack.length - 1]!;
    if (top.id === '2300' && top.segments.length === 1 && top !== this.open?.node) {
      const depth = b.stack.length - 1;
      // The parent loops (billing provider, subscriber, patient) are complete when their first claim starts.
      this.open = { node: top, depth, parent: b.stack[depth - 1]!, up: this.upper(depth) };
    }
  }

  /** The billing, subscriber and patient context of the open loops above `depth`. */
  private upper(depth: number): Upper {
    let up: Upper = { self: true, carried: [] };
    for (let i = 1; i < depth; i++) {
      const node = this.builder.stack[i]!;
      if (!HL_LOOPS.has(node.id)) continue;
      let u = this.uppers.get(node);
      if (!u) {
        u = node.id === '2000A' ? readBilling(this.ctx, node) : node.id === '2000B' ? readSubscriber(this.ctx, node, up) : readPatient(this.ctx, node, up);
        this.uppers.set(node, u);
      }
      up = u;
    }
    return up;
  }

  /** Read the open claim loop and let go of its segments. */
  finish(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const claim = readClaim(this.ctx, open.node, open.up);
    if (this.onClaim) this.onClaim(claim);
    else this.claims.push(claim);
    const siblings = open.parent.children;
    const at = siblings.lastIndexOf(open.node);
    if (at >= 0) siblings.splice(at, 1);
  }
}

export interface Parse837Options {
  /**
   * Hand each claim to this function as soon as it is read, instead of
   * keeping them in the result (`claims` then stays empty): big files are
   * read with the memory of one claim.
   */
  onClaim?: (claim: Claim) => void;
}

/** Read an 837P or 837I file into claims. Throws X12_MALFORMED when it is not one. */
export function parse837(text: string, options: Parse837Options = {}): Parsed837 {
  const start = findInterchange(text);
  const d = delimitersAt(text, start);
  const issues: ParseIssue[] = [];
  let isa: Segment | undefined;
  const file: Parsed837 = { guide: '837P', delimiters: d, interchange: undefined as unknown as Parsed837['interchange'], groups: [], claims: [], issues, carriedSegments: 0 };
  let guideSeen: Guide | undefined;
  let tx: { reader: TransactionReader; st: Segment; count: number } | undefined;
  let transactions = 0;
  const envelopeIssue = (segment: string, message: string) => issues.push({ severity: 'error', message, at: segment });

  forEachSegment(text, start, d, (s) => {
    if (tx) {
      tx.count++;
      if (s[0] !== 'SE' && s[0] !== 'ST' && s[0] !== 'GE' && s[0] !== 'IEA') {
        tx.reader.push(s);
        return;
      }
      const { reader, st, count } = tx;
      tx = undefined;
      reader.finish();
      const root = reader.builder.root;
      for (const u of reader.builder.unplaced) issues.push({ severity: 'warning', message: `${u.tag} is not where the ${reader.ctx.guide} guide places it (kept in loop ${u.loop})`, at: u.tag });
      const find = (id: string) => root.children.find((c) => c.id === id);
      const header = readTransactionHeader(st, root.segments, find('1000A')?.segments ?? [], find('1000B')?.segments ?? []);
      file.groups[file.groups.length - 1]!.transactions.push({ header, claims: reader.claims });
      file.claims.push(...reader.claims);
      if (s[0] === 'SE') {
        if (el(s, 1) !== String(count)) envelopeIssue('SE01', `SE01 says ${el(s, 1)} segments, the transaction has ${count}`);
        if (el(s, 2) !== el(st, 2)) envelopeIssue('SE02', `SE02 ${el(s, 2)} does not repeat ST02 ${el(st, 2)}`);
        return;
      }
      envelopeIssue('SE', 'a transaction has no SE');
    }
    switch (s[0]) {
      case 'ISA':
        isa = s;
        file.interchange = readIsa(s);
        break;
      case 'GS':
        file.groups.push({ header: readGs(s), transactions: [] });
        transactions = 0;
        break;
      case 'ST': {
        const group = file.groups[file.groups.length - 1];
        if (!group) throw new MedcoderError('X12_MALFORMED', 'a transaction (ST) outside a functional group (GS)');
        if (el(s, 1) !== '837') throw new MedcoderError('X12_MALFORMED', `transaction set ${el(s, 1)} is not an 837 claim`, { st01: el(s, 1) });
        const guide = guideOf(el(s, 3)) ?? guideOf(group.header.version);
        if (!guide) throw new MedcoderError('X12_MALFORMED', `"${el(s, 3) || group.header.version}" is neither 837P (005010X222) nor 837I (005010X223)`);
        if (guideSeen && guide !== guideSeen) issues.push({ severity: 'warning', message: 'the file mixes 837P and 837I transactions' });
        guideSeen = guide;
        transactions++;
        tx = { reader: new TransactionReader({ d, guide, issues }, options.onClaim), st: s, count: 1 };
        break;
      }
      case 'GE': {
        const gs = file.groups[file.groups.length - 1];
        if (!gs) envelopeIssue('GE', 'GE without GS');
        else {
          if (el(s, 1) !== String(transactions)) envelopeIssue('GE01', `GE01 says ${el(s, 1)} transactions, the group has ${transactions}`);
          if (el(s, 2) !== gs.header.controlNumber) envelopeIssue('GE02', `GE02 ${el(s, 2)} does not repeat GS06 ${gs.header.controlNumber}`);
        }
        break;
      }
      case 'IEA':
        if (el(s, 1) !== String(file.groups.length)) envelopeIssue('IEA01', `IEA01 says ${el(s, 1)} groups, the interchange has ${file.groups.length}`);
        if (el(s, 2) !== el(isa!, 13)) envelopeIssue('IEA02', `IEA02 ${el(s, 2)} does not repeat ISA13 ${el(isa!, 13)}`);
        isa = undefined;
        break;
    }
  });
  if (tx) envelopeIssue('SE', 'the last transaction has no SE');
  if (isa) envelopeIssue('IEA', 'the interchange has no IEA');
  file.guide = guideSeen ?? '837P';
  file.carriedSegments = file.claims.reduce((n, c) => n + (c.x12?.segments.length ?? 0), 0);
  return file;
}
