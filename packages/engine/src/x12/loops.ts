/**
 * The loop structure of an 837 transaction, read from the implementation
 * guide tables in data/x12/837p.json and 837i.json.
 *
 * `buildLoops` places the segments between ST and SE into a tree of loops
 * (2000A billing provider, 2300 claim, 2400 service line, …); `flattenLoops`
 * writes a tree back in guide order: a loop's own segments first, sorted by
 * their place in the guide (segments of the same place keep their order),
 * then its child loops in guide order.
 */
import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import type { OutSegment, Segment } from './segments.js';

export type Guide = '837P' | '837I';

/** A segment in a loop tree: as read (composites as raw text) or as built (composites as arrays). */
export type AnySegment = Segment | OutSegment;

export interface LoopNode<S extends AnySegment = AnySegment> {
  id: string;
  segments: S[];
  children: LoopNode<S>[];
}

interface SegmentRule {
  tag: string;
  element?: number;
  component?: number;
  values?: Set<string>;
}

export interface LoopDef {
  id: string;
  name: string;
  start?: SegmentRule;
  /** Own segments in guide order (the first opens the loop, except for HEADER). */
  rules: SegmentRule[];
  children: string[];
  /** Own rules by tag (index into `rules`), for quick placement. */
  ownByTag: Map<string, number[]>;
  /** Child loops by the tag of their opening segment. */
  childByTag: Map<string, LoopDef[]>;
}

export interface LoopTable {
  guide: Guide;
  implementation: string;
  loops: Map<string, LoopDef>;
}

function parseRule(text: string): SegmentRule {
  const m = /^([A-Z0-9]{2,3})(?::(\d+)(?:\.(\d+))?=([A-Z0-9,]+))?$/.exec(text);
  if (!m) throw new MedcoderError('INVALID_ARGUMENT', `bad segment rule in the loop table: ${text}`);
  const rule: SegmentRule = { tag: m[1]! };
  if (m[2]) {
    rule.element = Number(m[2]);
    if (m[3]) rule.component = Number(m[3]);
    rule.values = new Set(m[4]!.split(','));
  }
  return rule;
}

const tables = new Map<Guide, LoopTable>();

/** The loop table of one implementation guide (loaded once). */
export function loopTable(guide: Guide): LoopTable {
  let t = tables.get(guide);
  if (t) return t;
  const file = guide === '837P' ? '837p.json' : '837i.json';
  const raw = JSON.parse(readFileSync(new URL(`../../data/x12/${file}`, import.meta.url), 'utf8')) as {
    implementation: string;
    loops: Record<string, { name: string; segments: string[]; children?: string[] }>;
  };
  const loops = new Map<string, LoopDef>();
  for (const [id, l] of Object.entries(raw.loops)) {
    const rules = l.segments.map(parseRule);
    const ownByTag = new Map<string, number[]>();
    rules.forEach((r, i) => ownByTag.set(r.tag, [...(ownByTag.get(r.tag) ?? []), i]));
    loops.set(id, { id, name: l.name, ...(id === 'HEADER' ? {} : { start: rules[0] }), rules, children: l.children ?? [], ownByTag, childByTag: new Map() });
  }
  for (const def of loops.values()) {
    for (const childId of def.children) {
      const child = loops.get(childId);
      if (!child?.start) throw new MedcoderError('INVALID_ARGUMENT', `${guide} loop table: ${def.id} lists an unknown child ${childId}`);
      def.childByTag.set(child.start.tag, [...(def.childByTag.get(child.start.tag) ?? []), child]);
    }
  }
  t = { guide, implementation: raw.implementation, loops };
  tables.set(guide, t);
  return t;
}

/** Text of element `n` (component `c` when given) of a segment, as read or built. */
function valueOf(seg: AnySegment, n: number, c: number | undefined, component: string): string {
  const e = seg[n];
  if (e === undefined) return '';
  if (typeof e === 'string') {
    if (c === undefined) return e;
    if (c === 1) {
      const at = e.indexOf(component);
      return at < 0 ? e : e.slice(0, at);
    }
    return e.split(component)[c - 1] ?? '';
  }
  return (e as readonly (string | undefined)[])[(c ?? 1) - 1] ?? '';
}

function matches(rule: SegmentRule, seg: AnySegment, component: string): boolean {
  if (rule.tag !== seg[0]) return false;
  if (!rule.values) return true;
  return rule.values.has(valueOf(seg, rule.element!, rule.component, component));
}

/** Place of a segment among a loop's own segments (Infinity when the guide does not list it). */
export function ruleIndex(def: LoopDef, seg: AnySegment, component: string, fromStart = true): number {
  const candidates = def.ownByTag.get(seg[0] as string);
  if (candidates) for (const i of candidates) if ((fromStart || i > 0) && matches(def.rules[i]!, seg, component)) return i;
  return Infinity;
}

export interface BuildResult<S extends AnySegment> {
  root: LoopNode<S>;
  /** Segments the guide does not place where they stand (kept in the nearest loop). */
  unplaced: { index: number; tag: string; loop: string }[];
}

/**
 * Places segments into loops one at a time: a segment stays in the innermost
 * open loop that owns it; otherwise it opens a child loop of the innermost
 * loop that has one starting with it. `stack` holds the open loops, root first.
 */
export class LoopBuilder<S extends AnySegment> {
  readonly root: LoopNode<S> = { id: 'HEADER', segments: [], children: [] };
  readonly stack: LoopNode<S>[] = [this.root];
  private readonly defs: LoopDef[];
  readonly unplaced: BuildResult<S>['unplaced'] = [];
  private count = 0;

  constructor(private readonly table: LoopTable, private readonly component: string) {
    this.defs = [table.loops.get('HEADER')!];
  }

  push(seg: S): void {
    const { stack, defs, component } = this;
    const index = this.count++;
    for (let i = stack.length - 1; i >= 0; i--) {
      const def = defs[i]!;
      // Own segment of an open loop (its opening segment only ever opens a new loop).
      if (ruleIndex(def, seg, component, def.id === 'HEADER') !== Infinity) {
        if (stack.length !== i + 1) {
          stack.length = i + 1;
          defs.length = i + 1;
        }
        stack[i]!.segments.push(seg);
        return;
      }
      const children = def.childByTag.get(seg[0] as string);
      if (children) {
        for (const child of children) {
          if (matches(child.start!, seg, component)) {
            const node: LoopNode<S> = { id: child.id, segments: [seg], children: [] };
            stack.length = i + 1;
            defs.length = i + 1;
            stack[i]!.children.push(node);
            stack.push(node);
            defs.push(child);
            return;
          }
        }
      }
    }
    const top = stack[stack.length - 1]!;
    top.segments.push(seg);
    this.unplaced.push({ index, tag: String(seg[0]), loop: top.id });
  }
}

export interface BuildResult<S extends AnySegment> {
  root: LoopNode<S>;
  /** Segments the guide does not place where they stand (kept in the nearest loop). */
  unplaced: { index: number; tag: string; loop: string }[];
}

/** Place a transaction's segments (BHT … up to, not including, SE) into loops. */
export function buildLoops<S extends AnySegment>(table: LoopTable, segments: readonly S[], component: string): BuildResult<S> {
  const b = new LoopBuilder<S>(table, component);
  for (const seg of segments) b.push(seg);
  return { root: b.root, unplaced: b.unplaced };
}

/** Sort a loop's own segments and children into guide order (stable). */
export function orderLoop<S extends AnySegment>(table: LoopTable, node: LoopNode<S>, component: string): void {
  const def = table.loops.get(node.id);
  if (!def) throw new MedcoderError('INVALID_ARGUMENT', `unknown ${table.guide} loop ${node.id}`);
  if (node.segments.length > 1) {
    // A segment the guide does not list stays behind the segment it followed.
    let last = 0;
    const keyed = node.segments.map((s, i) => {
      const k = ruleIndex(def, s, component);
      if (k !== Infinity) last = k;
      return { s, i, k: k === Infinity ? last : k };
    });
    keyed.sort((a, b) => a.k - b.k || a.i - b.i);
    for (let i = 0; i < keyed.length; i++) node.segments[i] = keyed[i]!.s;
  }
  if (node.children.length > 1) {
    const keyed = node.children.map((c, i) => {
      const k = def.children.indexOf(c.id);
      return { c, i, k: k < 0 ? Infinity : k };
    });
    keyed.sort((a, b) => a.k - b.k || a.i - b.i);
    for (let i = 0; i < keyed.length; i++) node.children[i] = keyed[i]!.c;
  }
  for (const c of node.children) orderLoop(table, c, component);
}

/** All segments of a tree in order: own segments, then children. */
export function flattenLoops<S extends AnySegment>(node: LoopNode<S>, out: S[] = []): S[] {
  for (const s of node.segments) out.push(s);
  for (const c of node.children) flattenLoops(c, out);
  return out;
}
