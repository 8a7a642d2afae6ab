/**
 * FHIR R4 `Claim` for integrations: one resource with the patient, providers,
 * payer, coverage and service facility contained (referenced as `#id`), the
 * diagnoses with their type and present-on-admission indicator, ICD-10-PCS
 * procedures, and the lines as items with revenue codes, CPT/HCPCS codes and
 * modifiers, NDC details, diagnosis sequences and charges. Care-team roles
 * use the CARIN Blue Button codes, the usual choice of US payer APIs.
 */
import { claimSpan, type Address, type Claim, type ClaimLine, type Provider } from '../claims/model.js';

export const FHIR_SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icd9cm: 'http://hl7.org/fhir/sid/icd-9-cm',
  icd10pcs: 'http://www.cms.gov/Medicare/Coding/ICD10',
  cpt: 'http://www.ama-assn.org/go/cpt',
  hcpcs: 'https://bluebutton.cms.gov/resources/codesystem/hcpcs',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  ein: 'urn:oid:2.16.840.1.113883.4.4',
  ssn: 'http://hl7.org/fhir/sid/us-ssn',
  revenue: 'https://www.nubc.org/CodeSystem/RevenueCodes',
  typeOfBill: 'https://www.nubc.org/CodeSystem/TypeOfBill',
  pointOfOrigin: 'https://www.nubc.org/CodeSystem/PointOfOrigin',
  admissionType: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit',
  dischargeStatus: 'https://www.nubc.org/CodeSystem/PatDischargeStatus',
  placeOfService: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
  taxonomy: 'http://nucc.org/provider-taxonomy',
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  diagnosisType: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype',
  onAdmission: 'http://terminology.hl7.org/CodeSystem/ex-diagnosis-on-admission',
  careTeamRole: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole',
  supportingInfo: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType',
  relationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  priority: 'http://terminology.hl7.org/CodeSystem/processpriority',
  related: 'http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship',
  patientControlNumber: 'urn:medcoder:patient-control-number',
  payerId: 'urn:medcoder:payer-id',
  memberId: 'urn:medcoder:member-id',
  medicalRecordNumber: 'urn:medcoder:medical-record-number',
} as const;

type Json = Record<string, unknown>;

export interface FhirClaimOptions {
  /** Claim.created (YYYY-MM-DD); today when not given. */
  created?: string;
}

const coding = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

function address(a: Address | undefined): Json[] | undefined {
  if (!a) return undefined;
  const zip = a.postalCode.replace(/\D/g, '');
  return [{ line: [a.line1, ...(a.line2 ? [a.line2] : [])], city: a.city, state: a.state, postalCode: zip.length === 9 ? `${zip.slice(0, 5)}-${zip.slice(5)}` : zip, country: a.country ?? 'US' }];
}

function humanName(n: { last: string; first?: string; middle?: string; suffix?: string } | undefined): Json[] | undefined {
  if (!n) return undefined;
  const given = [n.first, n.middle].filter(Boolean);
  return [{ family: n.last, ...(given.length ? { given } : {}), ...(n.suffix ? { suffix: [n.suffix] } : {}) }];
}

function clean<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function providerResource(id: string, p: Provider): Json {
  const identifier: Json[] = [];
  if (p.npi) identifier.push({ system: FHIR_SYSTEMS.npi, value: p.npi });
  if (p.taxId) identifier.push({ system: p.taxId.type === 'EIN' ? FHIR_SYSTEMS.ein : FHIR_SYSTEMS.ssn, value: p.taxId.value });
  const telecom = p.phone ? [{ system: 'phone', value: p.phone }] : undefined;
  if (p.entity === 'person') {
    return clean({
      resourceType: 'Practitioner', id, identifier, name: humanName(p.name), telecom, address: address(p.address),
      qualification: p.taxonomy ? [{ code: coding(FHIR_SYSTEMS.taxonomy, p.taxonomy) }] : undefined,
    });
  }
  return clean({
    resourceType: 'Organization', id, identifier, name: p.organizationName, telecom, address: address(p.address),
    type: p.taxonomy ? [coding(FHIR_SYSTEMS.taxonomy, p.taxonomy)] : undefined,
  });
}

/** CPT or HCPCS Level II, from the line's system or the code's shape. */
export function lineSystem(l: Pick<ClaimLine, 'system' | 'code'>): 'cpt' | 'hcpcs' {
  if (l.system) return l.system;
  return /^\d{4}[0-9FTUM]$/.test(l.code ?? '') ? 'cpt' : 'hcpcs';
}

const GENDER: Record<string, string> = { F: 'female', M: 'male', U: 'unknown' };
const RELATIONSHIP: Record<string, string> = { self: 'self', spouse: 'spouse', child: 'child', 'life-partner': 'common' };

/** The claim as a FHIR R4 Claim resource. */
export function fhirClaim(c: Claim, o: FhirClaimOptions = {}): Json {
  const contained: Json[] = [];
  const p = c.providers;
  const dxSystem = (c.icdVersion ?? '10') === '10' ? FHIR_SYSTEMS.icd10cm : FHIR_SYSTEMS.icd9cm;
  const institutional = c.setting !== 'professional';

  contained.push(clean({
    resourceType: 'Patient', id: 'patient',
    identifier: c.patient.medicalRecordNumber ? [{ system: FHIR_SYSTEMS.medicalRecordNumber, value: c.patient.medicalRecordNumber }] : undefined,
    name: humanName(c.patient.name), gender: GENDER[c.patient.sex], birthDate: c.patient.birthDate, address: address(c.patient.address),
  }));
  const roles: [keyof Claim['providers'], string][] = [['billing', 'billing'], ['rendering', 'rendering'], ['referring', 'referring'], ['attending', 'attending'], ['operating', 'operating']];
  for (const [role, id] of roles) if (p[role]) contained.push(providerResource(id, p[role]!));
  if (p.serviceFacility) {
    const f = p.serviceFacility;
    contained.push(clean({
      resourceType: 'Location', id: 'facility', name: f.organizationName ?? f.name?.last,
      identifier: f.npi ? [{ system: FHIR_SYSTEMS.npi, value: f.npi }] : undefined, address: address(f.address)?.[0],
    }));
  }
  if (c.payer) {
    contained.push(clean({
      resourceType: 'Organization', id: 'payer', name: c.payer.name,
      identifier: c.payer.payerId ? [{ system: FHIR_SYSTEMS.payerId, value: c.payer.payerId }] : undefined, address: address(c.payer.address),
    }));
  }
  if (c.subscriber) {
    const s = c.subscriber;
    const self = s.relationship === 'self';
    if (!self) {
      contained.push(clean({ resourceType: 'RelatedPerson', id: 'subscriber', patient: { reference: '#patient' }, name: humanName(s.name), birthDate: s.birthDate, gender: s.sex ? GENDER[s.sex] : undefined, address: address(s.address) }));
    }
    contained.push(clean({
      resourceType: 'Coverage', id: 'coverage', status: 'active',
      identifier: [{ system: FHIR_SYSTEMS.memberId, value: s.memberId }],
      subscriber: { reference: self ? '#patient' : '#subscriber' }, subscriberId: s.memberId, beneficiary: { reference: '#patient' },
      relationship: coding('http://terminology.hl7.org/CodeSystem/subscriber-relationship', RELATIONSHIP[s.relationship] ?? 'other'),
      payor: c.payer ? [{ reference: '#payer' }] : [{ display: 'unknown payer' }],
      class: s.groupNumber ? [{ type: coding('http://terminology.hl7.org/CodeSystem/coverage-class', 'group'), value: s.groupNumber, ...(s.groupName ? { name: s.groupName } : {}) }] : undefined,
    }));
  }

  // Care team: the claim's people, then line rendering providers not already on it.
  const careTeam: Json[] = [];
  const teamSeq = new Map<string, number>();
  const addTeam = (ref: string, role: string, prov: Provider) => {
    const key = `${role}:${prov.npi ?? ref}`;
    if (teamSeq.has(key)) return teamSeq.get(key)!;
    const sequence = careTeam.length + 1;
    careTeam.push(clean({ sequence, provider: { reference: ref }, role: coding(FHIR_SYSTEMS.careTeamRole, role), qualification: prov.taxonomy ? coding(FHIR_SYSTEMS.taxonomy, prov.taxonomy) : undefined }));
    teamSeq.set(key, sequence);
    return sequence;
  };
  for (const role of ['rendering', 'referring', 'attending', 'operating'] as const) if (p[role]) addTeam(`#${role}`, role === 'rendering' ? 'performing' : role, p[role]!);

  // Supporting information.
  const supportingInfo: Json[] = [];
  const info = (category: string, rest: Json) => supportingInfo.push({ sequence: supportingInfo.length + 1, category: coding(FHIR_SYSTEMS.supportingInfo, category), ...rest });
  if (c.admission) {
    info('admissionperiod', { timingPeriod: clean({ start: c.admission.date, end: c.discharge?.date }) });
    if (c.admission.type) info('admtype', { code: coding(FHIR_SYSTEMS.admissionType, c.admission.type) });
    if (c.admission.source) info('pointoforigin', { code: coding(FHIR_SYSTEMS.pointOfOrigin, c.admission.source) });
  }
  const status = c.discharge?.status ?? c.facilityCodes?.patientStatus;
  if (status) info('discharge-status', { code: coding(FHIR_SYSTEMS.dischargeStatus, status) });
  if (c.typeOfBill) info('typeofbill', { code: coding(FHIR_SYSTEMS.typeOfBill, c.typeOfBill) });
  const onset = c.dates?.find((d) => d.qualifier === '431');
  if (onset) info('onset', { timingDate: onset.date });

  // Diagnoses: principal (or first listed), admitting, reason for visit, external causes, others.
  const diagnosis: Json[] = [];
  const dx = (code: string, type: string, poa?: string) => {
    diagnosis.push(clean({
      sequence: diagnosis.length + 1,
      diagnosisCodeableConcept: coding(dxSystem, code),
      type: [coding(FHIR_SYSTEMS.diagnosisType, type)],
      onAdmission: poa && poa !== '1' ? coding(FHIR_SYSTEMS.onAdmission, poa.toLowerCase()) : undefined,
    }));
  };
  c.diagnoses.forEach((d, i) => dx(d.code, i === 0 ? 'principal' : 'secondary', d.poa));
  if (c.admittingDiagnosis) dx(c.admittingDiagnosis, 'admitting');
  for (const r of c.reasonForVisit ?? []) dx(r, 'patientreasonforvisit');
  for (const e of c.externalCauses ?? []) dx(e.code, 'externalcauseofinjury', e.poa);

  const procedure = c.procedures.map((pr, i) => ({
    sequence: i + 1,
    type: [coding('http://terminology.hl7.org/CodeSystem/ex-procedure-type', i === 0 ? 'primary' : 'secondary')],
    date: pr.date,
    procedureCodeableConcept: coding((c.icdVersion ?? '10') === '10' ? FHIR_SYSTEMS.icd10pcs : 'http://hl7.org/fhir/sid/icd-9-cm', pr.code),
  }));

  const item = c.lines.map((l, i) => {
    const sys = l.code ? FHIR_SYSTEMS[lineSystem(l)] : undefined;
    const careTeamSequence = l.renderingProvider ? [addTeamLine(l.renderingProvider, i)] : p.rendering ? [teamSeq.get(`performing:${p.rendering.npi ?? '#rendering'}`)!] : undefined;
    return clean({
      sequence: i + 1,
      careTeamSequence,
      diagnosisSequence: l.diagnosisPointers.length ? l.diagnosisPointers : undefined,
      revenue: l.revenueCode ? coding(FHIR_SYSTEMS.revenue, l.revenueCode) : undefined,
      productOrService: l.code && sys ? { coding: [clean({ system: sys, code: l.code, display: l.description })] } : { text: `revenue code ${l.revenueCode ?? ''}`.trim() },
      modifier: l.modifiers.length && sys ? l.modifiers.map((m) => coding(sys, m)) : undefined,
      servicedDate: l.dateTo && l.dateTo !== l.date ? undefined : l.date,
      servicedPeriod: l.dateTo && l.dateTo !== l.date ? { start: l.date, end: l.dateTo } : undefined,
      locationCodeableConcept: !institutional && (l.placeOfService ?? c.placeOfService) ? coding(FHIR_SYSTEMS.placeOfService, (l.placeOfService ?? c.placeOfService)!) : undefined,
      quantity: { value: l.units, unit: l.unitType },
      net: l.charge !== undefined ? { value: l.charge, currency: 'USD' } : undefined,
      detail: l.ndc
        ? [{ sequence: 1, productOrService: coding(FHIR_SYSTEMS.ndc, l.ndc.code), quantity: { value: l.ndc.quantity, unit: l.ndc.unit } }]
        : undefined,
    });
  });

  function addTeamLine(prov: Provider, i: number): number {
    const id = `line${i + 1}-rendering`;
    if (!contained.some((r) => r.id === id)) contained.push(providerResource(id, prov));
    return addTeam(`#${id}`, 'performing', prov);
  }

  const span = claimSpan(c);
  const total = c.totalCharge ?? c.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
  return clean({
    resourceType: 'Claim',
    id: c.id.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64),
    contained,
    identifier: [{ system: FHIR_SYSTEMS.patientControlNumber, value: c.id }],
    status: 'active',
    type: coding(FHIR_SYSTEMS.claimType, institutional ? 'institutional' : 'professional'),
    subType: c.typeOfBill ? coding(FHIR_SYSTEMS.typeOfBill, c.typeOfBill) : undefined,
    use: 'claim',
    patient: { reference: '#patient' },
    billablePeriod: span.from ? { start: span.from, end: span.to } : undefined,
    created: o.created ?? new Date().toISOString().slice(0, 10),
    insurer: c.payer ? { reference: '#payer' } : undefined,
    provider: p.billing ? { reference: '#billing' } : { display: 'unknown billing provider' },
    priority: coding(FHIR_SYSTEMS.priority, 'normal'),
    related: c.originalClaimId
      ? [{ claim: { identifier: { value: c.originalClaimId } }, relationship: coding(FHIR_SYSTEMS.related, 'prior') }]
      : undefined,
    referral: undefined,
    facility: p.serviceFacility ? { reference: '#facility' } : undefined,
    careTeam: careTeam.length ? careTeam : undefined,
    supportingInfo: supportingInfo.length ? supportingInfo : undefined,
    diagnosis,
    procedure: procedure.length ? procedure : undefined,
    insurance: [clean({
      sequence: 1, focal: true,
      coverage: c.subscriber ? { reference: '#coverage' } : { display: 'no coverage on the claim' },
      preAuthRef: c.priorAuthorization ? [c.priorAuthorization] : undefined,
    })],
    item,
    total: { value: Math.round(total * 100) / 100, currency: 'USD' },
  });
}
