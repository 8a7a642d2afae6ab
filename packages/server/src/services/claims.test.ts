/**
 * Claim output of finalized encounters: the 837 written for an encounter reads
 * back through the engine's parser with the coder's final codes; the CMS-1500
 * is a PDF; reads are audited; encounters that are not finalized or lack
 * claim details are problem+json naming what is missing; auditors are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse837 } from '@medcoder/engine';
import { databaseKinds, encounterBody, harness, type Harness } from '../testing/harness.js';
import { now } from '../db/connect.js';

const CLAIM = {
  placeOfService: '11',
  patient: { address: { line1: '418 Birch Lane', city: 'Springfield', state: 'IL', postalCode: '62704' } },
  subscriber: { memberId: 'XKD884512301', name: { last: 'Delgado', first: 'Maria' }, relationship: 'self' },
  payer: { name: 'Prairie Mutual Health', payerId: '60054', filingIndicator: 'CI' },
  providers: {
    billing: {
      entity: 'organization', organizationName: 'Lakeside Family Medicine', npi: '1045328717', taxonomy: '207Q00000X',
      taxId: { type: 'EIN', value: '36-4409871' }, address: { line1: '2200 Lakeshore Drive', city: 'Springfield', state: 'IL', postalCode: '62703-1850' }, phone: '2175550142',
    },
    rendering: { entity: 'person', name: { last: 'Park', first: 'Helen' }, npi: '1287654309' },
  },
  charges: { '99213': 125 },
};

for (const kind of databaseKinds()) {
  describe(`claim output on ${kind}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(kind);
    });
    after(() => h?.close());

    /** ingest, accept every suggestion, add a service line, finalize */
    const finalized = async (externalId: string, over: Record<string, unknown>, service?: string) => {
      const m = await h.as('manager');
      const r = await m.post('/api/encounters', encounterBody(externalId, over));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await h.server.ctx.pool.drain();
      const id = r.body.id as number;
      const c = await h.as('coder');
      let d = (await c.get(`/api/encounters/${id}`)).body;
      let version = d.encounter.version;
      for (const s of d.suggestions.filter((x: any) => x.status === 'suggested')) {
        const a = await c.post(`/api/encounters/${id}/suggestions/${s.id}/accept`, { version, ...(over['setting'] === 'inpatient' ? { poa: 'Y' } : {}) });
        assert.equal(a.status, 200, JSON.stringify(a.body));
        version = a.body.version;
      }
      if (service) {
        // no CPT release is compiled in the test home (CPT is licensed), so the line goes in directly
        await h.testDb.db.kysely.insertInto('final_codes').values({ encounter_id: id, system: 'cpt', code: service, title: service, kind: 'service', sequence: 1, poa: null, suggestion_id: null, added_by: 1, created_at: now() }).execute();
      }
      const before837 = await c.get(`/api/encounters/${id}/claim/837`);
      assert.equal(before837.status, 409);
      assert.equal(before837.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(before837.body.code, 'NOT_FINALIZED');
      const f = await c.post(`/api/encounters/${id}/finalize`, { version });
      assert.equal(f.status, 200, JSON.stringify(f.body));
      d = (await c.get(`/api/encounters/${id}`)).body;
      return { id, finalCodes: d.finalCodes as Array<{ system: string; code: string }> };
    };

    test('a finalized professional encounter: 837P that the engine parses back, CMS-1500 PDF, reads audited', async () => {
      const { id, finalCodes } = await finalized('CLM-P1', { setting: 'professional', claim: CLAIM }, '99213');
      const c = await h.as('coder');
      const ready = await c.get(`/api/encounters/${id}/claim`);
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual([ready.body.guide, ready.body.ready, ready.body.cms1500], ['837P', true, true]);
      const r = await c.get(`/api/encounters/${id}/claim/837`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.match(String(r.headers['content-disposition']), /attachment; filename="encounter-\d+-837P\.x12"/);
      const parsed = parse837(String(r.body));
      assert.equal(parsed.guide, '837P');
      assert.deepEqual(parsed.issues.filter((i) => i.severity === 'error'), []);
      assert.equal(parsed.claims.length, 1);
      const claim = parsed.claims[0]!;
      assert.equal(claim.id, 'CLM-P1');
      assert.deepEqual(claim.diagnoses.map((x) => x.code), finalCodes.filter((x) => x.system === 'icd10cm').map((x) => x.code));
      assert.deepEqual(claim.lines.map((l) => [l.code, l.charge, l.units]), [['99213', 125, 1]]);
      assert.equal(claim.providers.billing?.npi, '1045328717');
      assert.equal(claim.subscriber?.memberId, 'XKD884512301');
      const pdf = await c.get(`/api/encounters/${id}/claim/cms1500`);
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.ok(String(pdf.body).startsWith('%PDF-'));
      const trail = await (await h.as('admin')).get(`/api/audit-trail?entity=encounter&entityId=${id}`);
      const reads = trail.body.filter((e: any) => e.action === 'claim.read').map((e: any) => e.detail.format).sort();
      assert.deepEqual(reads, ['837P', 'CMS-1500']);
      const auditor = await h.as('auditor');
      const refused = await auditor.get(`/api/encounters/${id}/claim/837`);
      assert.equal(refused.status, 403);
    });

    test('an inpatient encounter without claim details: problem+json naming the missing claim fields; no CMS-1500 for a stay', async () => {
      const { id } = await finalized('CLM-I1', { setting: 'inpatient', serviceFrom: '2026-03-02', serviceTo: '2026-03-05' });
      const c = await h.as('coder');
      const r = await c.get(`/api/encounters/${id}/claim/837`);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.code, 'CLAIM_NOT_READY');
      const fields = r.body.errors.map((e: any) => e.field);
      assert.ok(fields.includes('claim.providers.billing'), fields.join(', '));
      assert.ok(fields.includes('claim.subscriber'), fields.join(', '));
      assert.equal(r.body.field, fields[0]);
      const ready = await c.get(`/api/encounters/${id}/claim`);
      assert.deepEqual([ready.body.guide, ready.body.ready, ready.body.cms1500], ['837I', false, false]);
      const pdf = await c.get(`/api/encounters/${id}/claim/cms1500`);
      assert.equal(pdf.status, 422);
      assert.equal(pdf.body.code, 'NOT_PROFESSIONAL');
      // the manager adds the claim details; the 837I is then written and reads back
      const m = await h.as('manager');
      const put = await m.request('PUT', `/api/encounters/${id}/claim-data`, {
        ...CLAIM, placeOfService: undefined, typeOfBill: '0111', discharge: { status: '01' }, admission: { type: '1', source: '1' },
        providers: { ...CLAIM.providers, attending: { entity: 'person', name: { last: 'Park', first: 'Helen' }, npi: '1287654309' } },
        facilityLines: [{ revenueCode: '0120', units: 3, unitType: 'DA', charge: 2400 }],
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const again = await c.get(`/api/encounters/${id}/claim/837`);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const parsed = parse837(String(again.body));
      assert.equal(parsed.guide, '837I');
      assert.ok(parsed.claims[0]!.diagnoses.every((x) => x.poa === 'Y'));
    });
  });
}
