/**
 * The claim scrubber: runs the edit layers over a claim and collects their
 * findings. Every layer is switchable and reads its own data, chosen by the
 * date of service: code-set releases for validity, the tabular notes for the
 * ICD-10-CM instructions, and the rule tables (MCE, POA, NCCI PTP, MUE,
 * add-on codes, coverage) compiled into MEDCODER_HOME.
 */
import { parseClaim, type Claim } from '../claims/model.js';
import { isMedcoderError } from '../errors.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeHistory } from '../releases/import.js';
import { CodeSets } from '../releases/registry.js';
import type { CodeSystem, TableSystem } from '../systems.js';
import { AOC_FILE, AocTable, checkAddOn } from './add-on.js';
import { buildContext, type ClaimContext } from './context.js';
import { FindingSink, LAYERS, ruleTexts, type Finding, type LayerId } from './finding.js';
import { checkIcd10cmInstructions, instructionIndex } from './icd10cm-instructions.js';
import { checkMce, MCE_FILE, MceTable } from './mce.js';
import { checkMedicalNecessity, COVERAGE_FILE, CoverageTable } from './medical-necessity.js';
import { checkMue, MUE_FILE, MueTable, mueTableFor } from './mue.js';
import { checkPtp, PTP_FILE, PtpTable, ptpTableFor } from './ncci-ptp.js';
import { checkPoa, POA_FILE, PoaTable } from './poa.js';
import { TableStore, type TableAnswer } from './tables.js';
import { checkValidity, type CodeSetAnswer, type CodeSetLookup } from './validity.js';

export interface ScrubberOptions {
  /** Layers to run; all run unless switched off here. */
  layers?: Partial<Record<LayerId, boolean>>;
  /** Rule ids whose findings are not reported (e.g. a payer that does not apply a rule). */
  disabledRules?: string[];
  /** Homes whose rule tables come before the main home's (fixtures, a payer's own tables). */
  tableHomes?: CodeSets[];
}

/** What happened to one layer on one claim. */
export interface LayerStatus {
  layer: LayerId;
  ran: boolean;
  /** The tables or releases it used. */
  sources: string[];
  /** Why it did not run, or what it could not check. */
  notes: string[];
}

export interface ScrubResult {
  claimId: string;
  /** True when any finding is an error (a hard stop). */
  hardStop: boolean;
  errors: number;
  warnings: number;
  findings: Finding[];
  layers: LayerStatus[];
}

type TableClass<T> = { fromCompiled(data: unknown, manifest: import('../releases/manifest.js').ReleaseManifest): T };

const TABLES: Record<Exclude<TableSystem, 'hcc'>, { file: string; cls: TableClass<unknown> }> = {
  mce: { file: MCE_FILE, cls: MceTable },
  poa: { file: POA_FILE, cls: PoaTable },
  'ncci-ptp': { file: PTP_FILE, cls: PtpTable },
  mue: { file: MUE_FILE, cls: MueTable },
  aoc: { file: AOC_FILE, cls: AocTable },
  coverage: { file: COVERAGE_FILE, cls: CoverageTable },
};

const CPT_FORM_ONLY = 'CPT codes were checked for form only: no CPT release is compiled (CPT is licensed by the AMA; import your own CPT file to check codes)';

const KIND_WORDS: Record<string, string> = { practitioner: 'practitioner', hospital: 'outpatient hospital', dme: 'DME supplier' };

/** "has no outpatient hospital table" when a release lacks the table a setting needs. */
function missingKind(t: { has(kind: never): boolean }, kind: string | undefined): string | undefined {
  if (!kind || t.has(kind as never)) return undefined;
  return `has no ${KIND_WORDS[kind] ?? kind} table`;
}

/** Rules whose finding makes another rule's finding on the same first code redundant. */
function supersedeMap(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [rule, t] of Object.entries(ruleTexts())) {
    const s = (t as { supersedes?: string[] }).supersedes;
    if (s?.length) m.set(rule, s);
  }
  return m;
}

export class Scrubber {
  private readonly enabled: ReadonlySet<LayerId>;
  private readonly disabled: ReadonlySet<string>;
  private readonly tables: TableStore;
  private readonly codeSetCache = new Map<string, CodeSetAnswer | { missing: string } | Promise<CodeSetAnswer | { missing: string }>>();
  private cmHistory?: CodeHistory | undefined;
  private historyLoaded = false;
  private readonly supersedes = supersedeMap();

  constructor(readonly codeSets: CodeSets, opts: ScrubberOptions = {}) {
    this.enabled = new Set(LAYERS.filter((l) => opts.layers?.[l] !== false));
    this.disabled = new Set(opts.disabledRules ?? []);
    this.tables = new TableStore([...(opts.tableHomes ?? []), codeSets]);
  }

  /** A scrubber over the releases of a home (default MEDCODER_HOME). */
  static async open(opts: ScrubberOptions & { home?: string; codeSets?: CodeSets } = {}): Promise<Scrubber> {
    const cs = opts.codeSets ?? (await CodeSets.open(opts.home ? { home: opts.home } : {}));
    return new Scrubber(cs, opts);
  }

  private codeSet(system: CodeSystem, date: string): CodeSetAnswer | { missing: string } | Promise<CodeSetAnswer | { missing: string }> {
    const key = `${system}|${date}`;
    let hit = this.codeSetCache.get(key);
    if (hit) return hit;
    const p = this.codeSets.release(system, { date }).then(
      (r): CodeSetAnswer => ({ release: r.release, warnings: r.warnings }),
      (e: unknown) => {
        if (isMedcoderError(e)) return { missing: e.message };
        throw e;
      },
    );
    this.codeSetCache.set(key, p);
    hit = p.then((a) => {
      this.codeSetCache.set(key, a);
      return a;
    });
    this.codeSetCache.set(key, hit);
    return hit;
  }

  private table<T>(system: Exclude<TableSystem, 'hcc'>, date: string): Promise<TableAnswer<T>> | TableAnswer<T> {
    const t = TABLES[system];
    return this.tables.get(system, date, t.file, (data, manifest) => t.cls.fromCompiled(data, manifest)) as Promise<TableAnswer<T>> | TableAnswer<T>;
  }

  /** Check one claim (a parsed Claim, or JSON that parseClaim accepts). */
  async scrub(input: Claim | unknown): Promise<ScrubResult> {
    const claim = parseClaim(input);
    const ctx = buildContext(claim);
    const sink = new FindingSink(this.disabled);
    const status = new Map<LayerId, LayerStatus>();
    const layer = (id: LayerId) => {
      let s = status.get(id);
      if (!s) status.set(id, (s = { layer: id, ran: false, sources: [], notes: [] }));
      return s;
    };
    const on = (id: LayerId) => this.enabled.has(id);
    const use = (id: LayerId, source: string, warnings: string[] = []) => {
      const s = layer(id);
      s.ran = true;
      if (!s.sources.includes(source)) s.sources.push(source);
      for (const w of warnings) if (!s.notes.includes(w)) s.notes.push(w);
    };
    const skip = (id: LayerId, why: string) => {
      const s = layer(id);
      if (!s.notes.includes(why)) s.notes.push(why);
    };

    // Code-set releases the claim needs, loaded before the layers run.
    const wanted: Array<[CodeSystem, string]> = [['icd10cm', ctx.dxDate]];
    if (on('validity')) {
      for (const p of claim.procedures) wanted.push(['icd10pcs', p.date]);
      for (const l of ctx.lines) {
        if (l.system) wanted.push([l.system, l.date]);
        if (l.modifiers.length) wanted.push(['hcpcs', l.date]);
      }
      if (!this.historyLoaded) {
        this.cmHistory = await this.codeSets.history('icd10cm');
        this.historyLoaded = true;
      }
    }
    const keys: string[] = [];
    for (const [system, date] of wanted) {
      const key = `${system}|${date}`;
      if (keys.includes(key)) continue;
      keys.push(key);
      const a = this.codeSet(system, date);
      if (a instanceof Promise) await a;
    }
    const cache = this.codeSetCache;
    const lookup: CodeSetLookup = (system, date) => {
      const a = cache.get(`${system}|${date}`);
      return a && !(a instanceof Promise) ? a : { missing: `${system} not loaded for ${date}` };
    };
    const cm = lookup('icd10cm', ctx.dxDate);
    if (!('missing' in cm)) ctx.cm = cm.release as Icd10cmRelease;

    // Tables by the diagnosis date (MCE, POA) and by each line date (the NCCI tables, coverage).
    const mceP = on('mce') || on('icd10cm-instructions') ? this.table<MceTable>('mce', ctx.dxDate) : undefined;
    const mce = mceP instanceof Promise ? await mceP : mceP;

    if (on('validity')) {
      checkValidity(ctx, sink, lookup, this.cmHistory ? { cmHistory: this.cmHistory } : {});
      const s = layer('validity');
      s.ran = true;
      for (const key of keys) {
        const a = cache.get(key) as CodeSetAnswer | { missing: string };
        if (!('missing' in a) && !s.sources.includes(a.release.ref.label)) s.sources.push(a.release.ref.label);
        const note = 'missing' in a ? (key.startsWith('cpt|') ? CPT_FORM_ONLY : a.missing) : a.warnings[0];
        if (note && !s.notes.includes(note)) s.notes.push(note);
      }
    }

    if (on('icd10cm-instructions')) {
      if (ctx.cm) {
        const manifestation = mce && !('missing' in mce) ? (bare: string) => mce.table.has('manifestation', bare) : undefined;
        checkIcd10cmInstructions(ctx, sink, instructionIndex(ctx.cm), manifestation ? { isManifestation: manifestation } : {});
        use('icd10cm-instructions', ctx.cm.ref.label, 'missing' in cm ? [] : cm.warnings);
      } else skip('icd10cm-instructions', 'missing' in cm ? cm.missing : 'no ICD-10-CM release');
    }

    if (ctx.setting !== 'inpatient') {
      if (on('mce')) skip('mce', 'applies to inpatient claims only');
      if (on('poa')) skip('poa', 'applies to inpatient claims only');
    } else {
      if (on('mce') && mce) {
        if ('missing' in mce) skip('mce', mce.missing);
        else {
          checkMce(ctx, sink, mce.table);
          use('mce', mce.ref.label, mce.warnings);
        }
      }
      if (on('poa')) {
        const poaP = this.table<PoaTable>('poa', ctx.dxDate);
        const poa = poaP instanceof Promise ? await poaP : poaP;
        if ('missing' in poa) skip('poa', poa.missing);
        else {
          checkPoa(ctx, sink, poa.table);
          use('poa', poa.ref.label, poa.warnings);
        }
      }
    }

    // Line edits, one pass per date of service.
    // Each entry: layer, table system, the check, and why a loaded table may still not apply.
    const lineLayers: Array<[LayerId, Exclude<TableSystem, 'hcc'>, (c: ClaimContext, t: never) => void, (t: never) => string | undefined]> = [
      ['ncci-ptp', 'ncci-ptp', (c, t) => checkPtp(c, sink, t), (t: PtpTable) => missingKind(t, ptpTableFor(ctx.setting))],
      ['mue', 'mue', (c, t) => checkMue(c, sink, t), (t: MueTable) => missingKind(t, mueTableFor(ctx.setting))],
      ['add-on', 'aoc', (c, t) => checkAddOn(c, sink, t), () => undefined],
      ['medical-necessity', 'coverage', (c, t) => checkMedicalNecessity(c, sink, t), () => undefined],
    ];
    if (ctx.lines.length) {
      const dates = [...new Set(ctx.lines.map((l) => l.date))];
      for (const [id, system, check, notApplicable] of lineLayers) {
        if (!on(id)) continue;
        if (ctx.setting === 'inpatient' && id !== 'medical-necessity') {
          skip(id, 'inpatient claims are not subject to this edit');
          continue;
        }
        for (const date of dates) {
          const tp = this.table<unknown>(system, date);
          const t = tp instanceof Promise ? await tp : tp;
          if ('missing' in t) {
            skip(id, t.missing);
            continue;
          }
          const why = notApplicable(t.table as never);
          if (why) {
            skip(id, `${t.ref.label} ${why}`);
            continue;
          }
          const sub = dates.length === 1 ? ctx : { ...ctx, lines: ctx.lines.filter((l) => l.date === date) };
          check(sub, t.table as never);
          use(id, t.ref.label, t.warnings);
        }
      }
    }

    const findings = this.dropSuperseded(sink.findings);
    let errors = 0;
    for (const f of findings) if (f.severity === 'error') errors++;
    return {
      claimId: claim.id,
      hardStop: errors > 0,
      errors,
      warnings: findings.length - errors,
      findings,
      layers: LAYERS.map((l) => status.get(l) ?? { layer: l, ran: false, sources: [], notes: on(l) ? [] : ['switched off'] }),
    };
  }

  private dropSuperseded(findings: Finding[]): Finding[] {
    if (findings.length < 2) return findings;
    const drop = new Set<Finding>();
    for (const f of findings) {
      const over = this.supersedes.get(f.rule);
      if (!over) continue;
      for (const g of findings) if (over.includes(g.rule) && g.codes[0] === f.codes[0]) drop.add(g);
    }
    return drop.size ? findings.filter((f) => !drop.has(f)) : findings;
  }
}
