import type { AddendumKind } from './sources.js';

/**
 * What applying the addenda reports. Nothing is guessed silently: a change
 * that could not be applied, a context line that was not found, and a change
 * applied over an old value that differed from the printed one each become
 * an issue naming the addendum line.
 */

/**
 * - failed: the change was not applied (its entry was not found, or more than one matched).
 * - context: a "No Change" line naming an entry that is not there; nothing to apply.
 * - warning: applied, but what the addendum printed as the old value differs from the release's.
 * - unparsed: the line could not be read as a change.
 */
export type IssueSeverity = 'failed' | 'context' | 'warning' | 'unparsed';

export interface ApplyIssue {
  severity: IssueSeverity;
  /** The addendum file (display path). */
  file: string;
  /** The update it belongs to, e.g. "FY2026". */
  update: string;
  kind: AddendumKind;
  page: number;
  line: number;
  /** The addendum line(s) as printed. */
  printed: string;
  reason: string;
}

/** Counts of one addendum's application. */
export interface AddendumOutcome {
  /** Index of the addendum in the run (what `changedBy` maps point to). */
  id: number;
  file: string;
  sha256: string;
  size: number;
  kind: AddendumKind;
  update: string;
  effective: string;
  /** Change records read from the file ("No Change" context lines included). */
  changes: number;
  /** Of them, "No Change" lines (context only). */
  contextLines: number;
  applied: number;
  failed: number;
  context: number;
  warnings: number;
  unparsed: number;
}

export class IssueLog {
  readonly issues: ApplyIssue[] = [];
  constructor(private readonly outcome: AddendumOutcome) {}

  applied(): void {
    this.outcome.applied++;
  }

  add(severity: IssueSeverity, at: { page: number; line: number; printed: string }, reason: string): void {
    this.issues.push({ severity, file: this.outcome.file, update: this.outcome.update, kind: this.outcome.kind, page: at.page, line: at.line, printed: at.printed, reason });
    if (severity === 'failed') this.outcome.failed++;
    else if (severity === 'context') this.outcome.context++;
    else if (severity === 'warning') {
      this.outcome.warnings++;
      this.outcome.applied++;
    } else this.outcome.unparsed++;
  }
}
