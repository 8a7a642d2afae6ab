import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dayBefore, parseIsoDate, today, type IsoDate } from '../dates.js';
import { MedcoderError } from '../errors.js';
import type { CodeDetail, ReleaseRef, Validation } from '../lookup.js';
import { isCodeSystem, isTableSystem, releaseSystemLabel, type CodeSystem } from '../systems.js';
import { defaultHome } from './home.js';
import type { CodeHistory } from './import.js';
import type { ReleaseManifest } from './manifest.js';
import type { CodeSetRelease, SystemLoader } from './release.js';
import { readManifests, releasesDir } from './store.js';

const loaders = new Map<CodeSystem, SystemLoader>();

/**
 * Which of two releases beginning on the same date answers: a derived one
 * (rolled forward with the official addenda, checked against the year's order
 * file) over an official order-file release, unless official ones are
 * preferred; between two of a kind, the later id, as before.
 */
function preferredOf(a: ReleaseManifest, b: ReleaseManifest, preferOfficial: boolean): ReleaseManifest {
  if (Boolean(a.derived) !== Boolean(b.derived)) return Boolean(a.derived) !== preferOfficial ? a : b;
  return a.id > b.id ? a : b;
}

export function registerLoader(l: SystemLoader): void {
  loaders.set(l.system, l);
}

export interface DateOptions {
  /** Date of service, YYYY-MM-DD; default today. */
  date?: string;
  /** Refuse to answer from a release that is not in force on the date (instead of the nearest older one with a warning). */
  strict?: boolean;
}

export interface ResolvedRelease {
  manifest: ReleaseManifest;
  ref: ReleaseRef;
  /** Set when no release is in force on the date and an older one answers. */
  warnings: string[];
}

const missingHints = new Map<string, (home: string) => string>();

/** A system-specific sentence for "no release compiled at all" (e.g. CPT: bring your licensed file). */
export function registerMissingReleaseHint(system: string, hint: (home: string) => string): void {
  missingHints.set(system, hint);
}

/** Hooks that enrich answers with data outside one release (GEM crosswalks). */
export interface LookupEnricher {
  enrich(codeSets: CodeSets, detail: CodeDetail): Promise<void>;
}
const enrichers: LookupEnricher[] = [];
export function registerEnricher(e: LookupEnricher): void {
  enrichers.push(e);
}

/**
 * The compiled releases of a home, chosen by date of service. Releases are
 * loaded on first use and kept.
 */
export class CodeSets {
  private readonly loaded = new Map<string, Promise<CodeSetRelease>>();
  private readonly histories = new Map<string, Promise<CodeHistory | undefined>>();
  private readonly spans: Map<string, ReleaseRef>;

  /** Releases that begin on the same date as another and stand aside for it: id to the id that answers. */
  private readonly asideFor = new Map<string, string>();

  private constructor(readonly home: string, readonly manifests: ReleaseManifest[], preferOfficial = false) {
    this.spans = new Map();
    const bySystem = new Map<string, ReleaseManifest[]>();
    for (const m of manifests) {
      const list = bySystem.get(m.system) ?? [];
      list.push(m);
      bySystem.set(m.system, list);
    }
    for (const all of bySystem.values()) {
      all.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
      // Of releases beginning on the same date one answers (preferredOf); the others stand aside and keep its dates.
      const list: ReleaseManifest[] = [];
      for (const m of all) {
        const i = list.findIndex((x) => x.effectiveFrom === m.effectiveFrom);
        if (i < 0) list.push(m);
        else if (preferredOf(list[i]!, m, preferOfficial) === m) list[i] = m;
      }
      for (const m of all) {
        const winner = list.find((x) => x.effectiveFrom === m.effectiveFrom)!;
        if (winner !== m) this.asideFor.set(m.id, winner.id);
      }
      list.forEach((m, i) => {
        const next = list[i + 1];
        let to = m.effectiveTo;
        if (next && next.effectiveFrom <= to) to = dayBefore(next.effectiveFrom);
        this.spans.set(m.id, { id: m.id, label: m.label, effectiveFrom: m.effectiveFrom, effectiveTo: to });
      });
      for (const [aside, winner] of this.asideFor) {
        const w = this.spans.get(winner);
        const m = all.find((x) => x.id === aside);
        if (w && m) this.spans.set(aside, { id: m.id, label: m.label, effectiveFrom: w.effectiveFrom, effectiveTo: w.effectiveTo });
      }
    }
  }

  /**
   * Open a home. `preferOfficial` (default: MEDCODER_PREFER_OFFICIAL=1) makes
   * an official release answer where a derived one (rolled forward with the
   * addenda) covers the same dates; by default the derived one answers.
   */
  static async open(opts: { home?: string; preferOfficial?: boolean } = {}): Promise<CodeSets> {
    const home = opts.home ?? defaultHome();
    const prefer = opts.preferOfficial ?? /^(1|true|yes)$/i.test(process.env.MEDCODER_PREFER_OFFICIAL ?? '');
    return new CodeSets(home, await readManifests(home), prefer);
  }

  /** When a release stands aside for another that begins on the same date: the id of the one that answers. */
  answeringFor(id: string): string | undefined {
    return this.asideFor.get(id);
  }

  /** Releases, optionally of one system, oldest first. */
  releases(system?: string): ReleaseManifest[] {
    return this.manifests
      .filter((m) => !system || m.system === system)
      .sort((a, b) => a.system.localeCompare(b.system) || a.effectiveFrom.localeCompare(b.effectiveFrom));
  }

  ref(id: string): ReleaseRef {
    const r = this.spans.get(id);
    if (!r) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${id}" in ${this.home}`, { release: id });
    return r;
  }

  /** The release in force for a system on a date of service. */
  resolve(system: string, opts: DateOptions = {}): ResolvedRelease {
    if (!isCodeSystem(system) && system !== 'gems' && !isTableSystem(system)) {
      throw new MedcoderError('UNKNOWN_SYSTEM', `unknown code system "${system}"`, { field: 'system', value: system });
    }
    const date: IsoDate = opts.date ? parseIsoDate(opts.date) : today();
    const list = this.releases(system);
    const name = releaseSystemLabel(system);
    if (list.length === 0) {
      const hint = missingHints.get(system);
      throw new MedcoderError('NO_RELEASE_FOR_DATE', hint ? hint(this.home) : `no ${name} release is compiled in ${this.home}; run "medcoder codesets import"`, { system, date });
    }
    let best: ReleaseManifest | undefined;
    for (const m of list) {
      if (this.asideFor.has(m.id)) continue;
      const r = this.ref(m.id);
      if (r.effectiveFrom <= date && date <= r.effectiveTo) return { manifest: m, ref: r, warnings: [] };
      if (r.effectiveFrom <= date) best = m;
    }
    if (!best || opts.strict) {
      const first = list[0]!;
      const span = list.map((m) => `${m.label} ${this.ref(m.id).effectiveFrom}..${this.ref(m.id).effectiveTo}`).join('; ');
      throw new MedcoderError(
        'NO_RELEASE_FOR_DATE',
        best
          ? `no ${name} release is in force on ${date} (compiled: ${span})`
          : `no ${name} release is in force on ${date}; the earliest compiled is ${first.label}, from ${first.effectiveFrom}`,
        { system, date },
      );
    }
    const ref = this.ref(best.id);
    return {
      manifest: best,
      ref,
      warnings: [`no ${name} release in force on ${date} was imported; answering from ${best.label} (in force ${ref.effectiveFrom} to ${ref.effectiveTo})`],
    };
  }

  /** Load (once) and return a release by id. */
  load(id: string): Promise<CodeSetRelease> {
    let p = this.loaded.get(id);
    if (!p) {
      const m = this.manifests.find((x) => x.id === id);
      if (!m) return Promise.reject(new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${id}"`, { release: id }));
      if (m.system === 'gems') return Promise.reject(new MedcoderError('INVALID_ARGUMENT', `${id} is crosswalk data, not a code set`));
      if (isTableSystem(m.system)) return Promise.reject(new MedcoderError('INVALID_ARGUMENT', `${id} is a rule table, not a code set`));
      const loader = loaders.get(m.system);
      if (!loader) return Promise.reject(new MedcoderError('UNKNOWN_SYSTEM', `no loader for ${m.system}`));
      p = loader.load(join(releasesDir(this.home), id), m, this.ref(id));
      p.catch(() => this.loaded.delete(id));
      this.loaded.set(id, p);
    }
    return p;
  }

  /** The release in force on a date, loaded. */
  async release(system: string, opts: DateOptions = {}): Promise<{ release: CodeSetRelease; warnings: string[] }> {
    const r = this.resolve(system, opts);
    return { release: await this.load(r.manifest.id), warnings: r.warnings };
  }

  history(system: string): Promise<CodeHistory | undefined> {
    let p = this.histories.get(system);
    if (!p) {
      p = readFile(join(releasesDir(this.home), `history-${system}.json`), 'utf8')
        .then((t) => JSON.parse(t) as CodeHistory)
        .catch(() => undefined);
      this.histories.set(system, p);
    }
    return p;
  }

  /** Everything about a code on a date; undefined detail when the code is not in the release. */
  async lookup(system: string, code: string, opts: DateOptions = {}): Promise<{ detail?: CodeDetail; validation: Validation; warnings: string[] }> {
    const { release, warnings } = await this.release(system, opts);
    const validation = await this.validateIn(release, code, warnings);
    const detail = release.lookup(validation.code);
    if (detail) for (const e of enrichers) await e.enrich(this, detail);
    return { ...(detail ? { detail } : {}), validation, warnings };
  }

  /** Validity of a code on a date, with reasons and where else it is valid. */
  async validate(system: string, code: string, opts: DateOptions = {}): Promise<Validation> {
    const { release, warnings } = await this.release(system, opts);
    return this.validateIn(release, code, warnings);
  }

  private async validateIn(release: CodeSetRelease, code: string, warnings: string[]): Promise<Validation> {
    const v = release.validate(code);
    if (warnings.length) v.warnings = [...(v.warnings ?? []), ...warnings];
    if (!v.valid && v.code) {
      const h = await this.history(release.system);
      const idx = h?.codes[v.code];
      if (h && idx && idx.length) {
        const validIn = idx.map((i) => h.releases[i]!).filter((r) => r.id !== release.manifest.id);
        if (validIn.length) {
          v.validIn = validIn.map((r) => ({ release: r.id, label: r.label }));
          const me = release.ref.effectiveFrom;
          const earlier = validIn.filter((r) => r.effectiveFrom < me);
          const last = earlier[earlier.length - 1];
          if (last) {
            v.lastValidIn = { release: last.id, label: last.label, effectiveTo: this.spans.get(last.id)?.effectiveTo ?? last.effectiveTo };
            const header = v.reasons.find((r) => r.code === 'NOT_BILLABLE');
            if (header) header.message += ` (it was billable through ${last.label}, ${v.lastValidIn.effectiveTo})`;
          }
          const names = validIn.map((r) => r.label).join(', ');
          const reason = v.reasons.find((r) => r.code === 'UNKNOWN_CODE' || r.code === 'NOT_IN_RELEASE');
          if (reason) {
            reason.code = 'NOT_IN_RELEASE';
            reason.message = `${v.code} is not in ${release.ref.label}; it is valid in ${names}`;
          }
        }
      }
    }
    return v;
  }
}
