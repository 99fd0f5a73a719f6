import { ErrorCode, GatewayException } from '@plexus/core';
import type { SkippedTarget } from './route-target';

/** Every target was left out (503): says which and why, so the request's record can list them. */
export class NoHealthyTargetException extends GatewayException {
  constructor(
    message: string,
    readonly skipped: readonly SkippedTarget[],
    retryAfterSeconds?: number,
  ) {
    super(ErrorCode.NO_HEALTHY_TARGET, { message, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });
  }
}
