import { ErrorCode, GatewayException } from '@plexus/core';

/** One quota that refused a request, as the 429 body lists it. */
export interface BlockingQuota {
  quotaName: string;
  limitType: string;
  limit: number;
  currentUsage: number;
  remaining: number;
  /** ISO time the usage is gone (calendar window end, or when the leaky bucket is empty). */
  resetsAt: string;
}

/** The reference gateway's quota 429 body, the same in every wire format. */
export interface QuotaExceededBody {
  error: {
    message: string;
    type: 'quota_exceeded';
    quota_name: string;
    current_usage: number;
    limit: number;
    resets_at: string;
    blocking_quotas: BlockingQuota[];
  };
}

/**
 * A request refused because its key is over one of its quotas: 429 with Retry-After (when
 * every blocking quota admits again), the `x-plexus-quota*` headers of the headline quota,
 * and the reference's `quota_exceeded` body whatever the client's format.
 */
export class QuotaExceededException extends GatewayException {
  constructor(
    /** The headline quota first (the one that admits last). */
    readonly blocking: BlockingQuota[],
    retryAfterSeconds: number,
    readonly headers: Record<string, string>,
  ) {
    const headline = blocking[0];
    super(ErrorCode.QUOTA_EXCEEDED, {
      message: `Quota exceeded: ${headline.quotaName} limit of ${headline.limit} reached`,
      retryAfterSeconds,
    });
    this.name = 'QuotaExceededException';
  }

  wireBody(): QuotaExceededBody {
    const headline = this.blocking[0];
    return {
      error: {
        message: this.message,
        type: 'quota_exceeded',
        quota_name: headline.quotaName,
        current_usage: headline.currentUsage,
        limit: headline.limit,
        resets_at: headline.resetsAt,
        blocking_quotas: this.blocking,
      },
    };
  }
}
