import { HttpException, HttpStatus } from '@nestjs/common';

/** Every way a management request can fail on purpose; each has one status and one wire type below. */
export enum ManagementErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INVALID_REQUEST = 'INVALID_REQUEST',
  UPSTREAM_FAILED = 'UPSTREAM_FAILED',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_INVALID_RESPONSE = 'UPSTREAM_INVALID_RESPONSE',
  UNAVAILABLE = 'UNAVAILABLE',
}

export interface ValidationIssue {
  path: string[];
  message: string;
  code: string;
}

interface ErrorShape {
  status: HttpStatus;
  /** The `error.type` clients see; `null` for the reference's validation body, which has none. */
  type: string | null;
}

/** The one map from code to answer; `satisfies` makes a new code without an entry a compile error. */
export const MANAGEMENT_ERRORS = {
  [ManagementErrorCode.VALIDATION_FAILED]: { status: HttpStatus.BAD_REQUEST, type: null },
  [ManagementErrorCode.NOT_FOUND]: { status: HttpStatus.NOT_FOUND, type: 'not_found' },
  [ManagementErrorCode.CONFLICT]: { status: HttpStatus.CONFLICT, type: 'conflict' },
  [ManagementErrorCode.INVALID_REQUEST]: { status: HttpStatus.BAD_REQUEST, type: 'invalid_request_error' },
  [ManagementErrorCode.UPSTREAM_FAILED]: { status: HttpStatus.BAD_GATEWAY, type: 'upstream_error' },
  [ManagementErrorCode.UPSTREAM_TIMEOUT]: { status: HttpStatus.GATEWAY_TIMEOUT, type: 'timeout' },
  [ManagementErrorCode.UPSTREAM_INVALID_RESPONSE]: { status: HttpStatus.BAD_REQUEST, type: 'invalid_request_error' },
  [ManagementErrorCode.UNAVAILABLE]: { status: HttpStatus.SERVICE_UNAVAILABLE, type: 'unavailable' },
} as const satisfies Record<ManagementErrorCode, ErrorShape>;

export interface ManagementErrorOptions {
  /** The field-level problems of a VALIDATION_FAILED. */
  details?: ValidationIssue[];
  /** Overrides the map's `error.type` where the wire names a finer reason (a quota recompute's `unsupported_quota_type`). */
  type?: string;
}

/**
 * A management failure with a typed code. It is an HttpException so that code shared with the
 * CLI and the declarative config loader (which run outside a request) can still read its
 * status; its body comes from {@link managementErrorBody} only.
 */
export class ManagementError extends HttpException {
  readonly details: ValidationIssue[];

  constructor(
    readonly code: ManagementErrorCode,
    message: string,
    options: ManagementErrorOptions = {},
  ) {
    const details = options.details ?? [];
    super(managementErrorBody(code, message, details, options.type), MANAGEMENT_ERRORS[code].status);
    this.details = details;
  }
}

/**
 * The wire body: `{error:'Validation failed', details:[{path,message,code}]}` for validation
 * (the reference gateway's shape), `{error:{message,type}}` for everything else.
 */
export function managementErrorBody(
  code: ManagementErrorCode,
  message: string,
  details: ValidationIssue[],
  type?: string,
): object {
  if (code === ManagementErrorCode.VALIDATION_FAILED) return { error: message, details };
  return { error: { message, type: type ?? MANAGEMENT_ERRORS[code].type } };
}

export function validationFailed(details: ValidationIssue[]): ManagementError {
  return new ManagementError(ManagementErrorCode.VALIDATION_FAILED, 'Validation failed', { details });
}

export function notFound(message: string): ManagementError {
  return new ManagementError(ManagementErrorCode.NOT_FOUND, message);
}

export function conflict(message: string): ManagementError {
  return new ManagementError(ManagementErrorCode.CONFLICT, message);
}

/** One issue at one field, the most common validation failure raised by a rule rather than a DTO. */
export function invalidField(field: string, message: string, code: string): ManagementError {
  return validationFailed([{ path: [field], message, code }]);
}
