/**
 * Typed errors with stable codes. Callers (CLI, server) switch on `code`,
 * never on message text.
 */
export type ErrorCode =
  | 'NO_RELEASES_FOUND'
  | 'NO_RELEASE_FOR_DATE'
  | 'RELEASE_NOT_FOUND'
  | 'RELEASE_CORRUPT'
  | 'SOURCE_MALFORMED'
  | 'SOURCE_UNREADABLE'
  | 'IMPORT_FAILED'
  | 'INVALID_DATE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CLAIM'
  | 'CLAIM_NOT_READY'
  | 'X12_MALFORMED'
  | 'X12_DELIMITER_IN_DATA'
  | 'UNKNOWN_SYSTEM'
  | 'CODE_NOT_FOUND'
  | 'CPT_FILE_INVALID'
  | 'PDF_TEXT_UNAVAILABLE';

export class MedcoderError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MedcoderError';
    this.code = code;
    this.details = details;
  }
}

export function isMedcoderError(e: unknown): e is MedcoderError {
  return e instanceof MedcoderError;
}
