import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseClaim, type Claim } from '../claims/model.js';
import { fixturePath } from '../testing/x12-examples.js';
import { fhirClaim, FHIR_SYSTEMS, lineSystem } from './fhir-claim.js';

type Json = Record<string, any>;

function claim(name: string): Claim {
  return parseClaim(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** Every `#id` reference points to a contained resource. */
function references(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => references(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

function checkShape(r: Json): void {
  assert.equal(r.resourceType, 'Claim');
  assert.equal(r.status, 'active');
  assert.equal(r.use, 'claim');
  assert.match(r.id, /^[A-Za-z0-9\-.]{1,64}$/);
  const ids = new Set((r.contained as Json[]).map((c) => c.id));
  for (const ref of references(r)) assert.ok(ref.startsWith('#') && ids.has(ref.slice(1)), `dangling reference ${ref}`);
  const dx = (r.diagnosis as Json[]).length;
  for (const item of r.item as Json[]) for (const seq of item.diagnosisSequence ?? []) assert.ok(seq >= 1 && seq <= dx);
  const team = (r.careTeam ?? []).length;
  for (const item of r.item as Json[]) for (const seq of item.careTeamSequence ?? []) assert.ok(seq >= 1 && seq <= team);
  const sum = (r.item as Json[]).reduce((s, i) => s + (i.net?.value ?? 0), 0);
  assert.equal(r.total.value, Math.round(sum * 100) / 100);
  // No undefined left in the JSON.
  assert.equal(JSON.stringify(r).includes('undefined'), false);
}

test('professional claim: codes, modifiers, pointers, NDC detail, coverage for a child, care team', () => {
  const r = fhirClaim(claim('multi-line'), { created: '2026-11-20' }) as Json;
  checkShape(r);
  assert.equal(r.type.coding[0].code, 'professional');
  assert.equal(r.created, '2026-11-20');
  assert.deepEqual(r.billablePeriod, { start: '2026-09-08', end: '2026-09-08' });
  assert.equal(r.diagnosis[0].diagnosisCodeableConcept.coding[0].system, FHIR_SYSTEMS.icd10cm);
  assert.equal(r.diagnosis[0].diagnosisCodeableConcept.coding[0].code, 'S52.521A');
  assert.equal(r.diagnosis[0].type[0].coding[0].code, 'principal');
  const [visit, , xray, , cast, drug] = r.item as [Json, Json, Json, Json, Json, Json];
  assert.equal(visit.productOrService.coding[0].system, FHIR_SYSTEMS.cpt);
  assert.deepEqual(visit.diagnosisSequence, [1, 2, 3, 4]);
  assert.deepEqual(xray.modifier.map((m: Json) => m.coding[0].code), ['26', 'RT']);
  assert.equal(cast.productOrService.coding[0].system, FHIR_SYSTEMS.hcpcs);
  assert.equal(drug.detail[0].productOrService.coding[0].code, '00409379501');
  assert.equal(visit.locationCodeableConcept.coding[0].code, '11');
  assert.deepEqual(r.insurance[0].preAuthRef, ['PA2026-0917']);
  const coverage = (r.contained as Json[]).find((c) => c.resourceType === 'Coverage')!;
  assert.equal(coverage.relationship.coding[0].code, 'child');
  assert.equal(coverage.subscriber.reference, '#subscriber');
  assert.deepEqual((r.careTeam as Json[]).map((t) => t.role.coding[0].code), ['performing', 'referring']);
  assert.equal(r.facility.reference, '#facility');
});

test('inpatient claim: type of bill, admission period, POA, admitting and external-cause diagnoses, PCS procedures, revenue codes', () => {
  const r = fhirClaim(claim('inpatient'), { created: '2026-11-20' }) as Json;
  checkShape(r);
  assert.equal(r.type.coding[0].code, 'institutional');
  assert.equal(r.subType.coding[0].code, '0111');
  const info = (cat: string) => (r.supportingInfo as Json[]).find((s) => s.category.coding[0].code === cat)!;
  assert.deepEqual(info('admissionperiod').timingPeriod, { start: '2026-08-03', end: '2026-08-07' });
  assert.equal(info('discharge-status').code.coding[0].code, '06');
  assert.equal(info('pointoforigin').code.coding[0].code, '7');
  assert.equal(r.diagnosis[0].onAdmission.coding[0].code, 'y');
  assert.equal(r.diagnosis[3].onAdmission.coding[0].code, 'n');
  const types = (r.diagnosis as Json[]).map((d) => d.type[0].coding[0].code);
  assert.deepEqual(types, ['principal', 'secondary', 'secondary', 'secondary', 'secondary', 'admitting', 'externalcauseofinjury', 'externalcauseofinjury']);
  assert.equal(r.procedure[0].procedureCodeableConcept.coding[0].system, FHIR_SYSTEMS.icd10pcs);
  assert.equal(r.procedure[0].procedureCodeableConcept.coding[0].code, '0SR9019');
  assert.equal(r.item[0].revenue.coding[0].code, '0300');
  assert.deepEqual(r.item[0].servicedPeriod, { start: '2026-08-03', end: '2026-08-06' });
  assert.equal(r.item[0].locationCodeableConcept, undefined);
  assert.equal(r.total.value, 19291);
});

test('CPT or HCPCS from the code shape', () => {
  assert.equal(lineSystem({ code: '99213' }), 'cpt');
  assert.equal(lineSystem({ code: '0001F' }), 'cpt');
  assert.equal(lineSystem({ code: '0042T' }), 'cpt');
  assert.equal(lineSystem({ code: 'J1885' }), 'hcpcs');
  assert.equal(lineSystem({ code: 'G0439' }), 'hcpcs');
  assert.equal(lineSystem({ code: 'J1885', system: 'cpt' }), 'cpt');
});
