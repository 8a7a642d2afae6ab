import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../modules.js';
import { importReleases } from '../releases/import.js';
import { CodeSets } from '../releases/registry.js';
import { Scrubber, type ScrubberOptions } from '../edits/scrubber.js';
import { testCodeSets } from './home.js';

/** The edit fixtures folder (src/edits/fixtures; tests run from dist). */
export const EDIT_FIXTURES = fileURLToPath(new URL('../../src/edits/fixtures/', import.meta.url));

let fixtureHome: Promise<CodeSets> | undefined;

/**
 * A home with the fixture tables the shared data lacks (NCCI PTP in the
 * official layout, a coverage file), compiled once per test process.
 */
export function fixtureTables(): Promise<CodeSets> {
  fixtureHome ??= (async () => {
    const home = await mkdtemp(join(tmpdir(), 'medcoder-edit-fixtures-'));
    await importReleases({ from: [join(EDIT_FIXTURES, 'ncci-ptp'), join(EDIT_FIXTURES, 'coverage')], home, systems: ['ncci-ptp', 'coverage'] });
    return CodeSets.open({ home });
  })();
  return fixtureHome;
}

/** A scrubber over the test home's releases plus the fixture tables. */
export async function testScrubber(opts: ScrubberOptions = {}): Promise<Scrubber> {
  return new Scrubber(await testCodeSets(), { ...opts, tableHomes: [await fixtureTables(), ...(opts.tableHomes ?? [])] });
}

export interface TestLine {
  code: string;
  units?: number;
  modifiers?: string[];
  date?: string;
  pointers?: number[];
  npi?: string;
}

/** A claim for tests: diagnoses as codes (inpatient: "CODE:POA"), lines as codes or objects; 2026-08-03 unless told. */
export function makeClaim(o: {
  dx: string[];
  lines?: Array<string | TestLine>;
  setting?: 'professional' | 'outpatient-facility' | 'inpatient';
  birthDate?: string;
  sex?: 'F' | 'M' | 'U';
  date?: string;
  procedures?: Array<{ code: string; date: string }>;
  id?: string;
}): Record<string, unknown> {
  const date = o.date ?? '2026-08-03';
  const setting = o.setting ?? 'professional';
  const claim: Record<string, unknown> = {
    id: o.id ?? 'TEST-1',
    setting,
    patient: { birthDate: o.birthDate ?? '1950-04-12', sex: o.sex ?? 'F' },
    diagnoses: o.dx.map((d) => {
      const [code, poa] = d.split(':');
      return poa ? { code, poa } : { code };
    }),
    lines: (o.lines ?? []).map((l) => {
      const t: TestLine = typeof l === 'string' ? { code: l } : l;
      return {
        code: t.code,
        units: t.units ?? 1,
        modifiers: t.modifiers ?? [],
        date: t.date ?? date,
        diagnosisPointers: setting === 'professional' ? (t.pointers ?? [1]) : (t.pointers ?? []),
        ...(t.npi ? { renderingProvider: { entity: 'person', name: { last: 'Doe' }, npi: t.npi } } : {}),
      };
    }),
  };
  if (setting === 'inpatient') {
    claim.admission = { date };
    claim.discharge = { date, status: '01' };
    claim.typeOfBill = '0111';
  }
  if (o.procedures) claim.procedures = o.procedures;
  return claim;
}
