/**
 * Why a procedure or service code was chosen, in the shape of the diagnosis
 * coder's Rationale (coding/types.ts): what kind of step chose it, the rule
 * or table path behind it, and one human sentence. The CLI, the server and
 * the web app show both kinds the same way ("[rule] sentence").
 */
export interface ProcedureRationale {
  /**
   * pcs-axis: one character of an ICD-10-PCS build; pcs-incomplete: why the build stops at a prefix;
   * service: a rule of data/services/services.json; units: how the units were counted;
   * em: a step of the E/M level (an MDM element, time, the choice); em-not-higher: why the next level is not supported.
   */
  kind: 'pcs-axis' | 'pcs-incomplete' | 'service' | 'units' | 'em' | 'em-not-higher';
  /** ICD-10-PCS: the code through this character ("0DTJ"); services: the code. */
  path?: string;
  /** What chose it: a lexicon entry or axis source (procedure:appendectomy, body-part, cue, only-value, default, none-documented), a services.json rule id, or an E/M step (mdm-problems, time …). */
  rule?: string;
  /** One human sentence. */
  text: string;
}
