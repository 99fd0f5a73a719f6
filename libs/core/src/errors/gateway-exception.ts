import { ERROR_CODE_INFO, ErrorCode } from './error-code';

/** Format-neutral description of an error; each wire format renders it its own way. */
export interface GatewayErrorBody {
  code: ErrorCode;
  status: number;
  message: string;
  /** The request field at fault, when there is one. */
  param?: string;
  /** Upstream status and provider, when the error came from a provider. */
  upstream?: { provider: string; model: string; status?: number };
}

export interface GatewayExceptionParams {
  message?: string;
  status?: number;
  param?: string;
  upstream?: GatewayErrorBody['upstream'];
  /** Seconds the client should wait before retrying, when known. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class GatewayException extends Error {
  readonly status: number;
  readonly body: GatewayErrorBody;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    params: GatewayExceptionParams = {},
  ) {
    const info = ERROR_CODE_INFO[code];
    super(params.message ?? info.message, { cause: params.cause });
    this.name = 'GatewayException';
    this.status = params.status ?? info.status;
    this.retryAfterSeconds = params.retryAfterSeconds;
    this.body = {
      code,
      status: this.status,
      message: this.message,
      ...(params.param !== undefined && { param: params.param }),
      ...(params.upstream !== undefined && { upstream: params.upstream }),
    };
  }

  static from(error: unknown): GatewayException {
    if (error instanceof GatewayException) return error;
    return new GatewayException(ErrorCode.INTERNAL, { cause: error });
  }
}

export function wireCodeOf(code: ErrorCode): string {
  return ERROR_CODE_INFO[code].wireCode;
}
