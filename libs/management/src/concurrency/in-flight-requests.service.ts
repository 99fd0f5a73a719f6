import { Injectable } from '@nestjs/common';
import { InFlightRegistry } from '@plexus/usage';

/** A request whose completion was missed (it can't run this long) stops counting after this. */
const MAX_AGE_MS = 60 * 60 * 1000;

/** The requests this replica is serving now, counted from the usage lib's in-flight registry. */
@Injectable()
export class InFlightRequests {
  constructor(private readonly registry: InFlightRegistry) {}

  /** How many requests are in flight now. */
  count(now = Date.now()): number {
    let total = 0;
    for (const counted of this.countsByModel(undefined, now).values()) total += counted;
    return total;
  }

  /** Requests in flight per requested model (optionally of one key only). */
  countsByModel(apiKey?: string, now = Date.now()): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of this.registry.entries()) {
      if (now - request.startedAt > MAX_AGE_MS) {
        this.registry.drop(request.requestId);
        continue;
      }
      if (apiKey !== undefined && request.apiKey !== apiKey) continue;
      counts.set(request.model, (counts.get(request.model) ?? 0) + 1);
    }
    return counts;
  }
}
