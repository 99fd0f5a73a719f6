import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RequestEventBus } from '@plexus/usage';
import type { Subscription } from 'rxjs';

interface InFlight {
  apiKey: string;
  model: string;
  startedAt: number;
}

/** A request whose completion was missed (it can't run this long) stops counting after this. */
const MAX_AGE_MS = 60 * 60 * 1000;

/** The requests this replica is serving now, from the request event bus. */
@Injectable()
export class InFlightRequests implements OnModuleInit, OnModuleDestroy {
  private readonly requests = new Map<string, InFlight>();
  private subscription?: Subscription;

  constructor(private readonly bus: RequestEventBus) {}

  onModuleInit(): void {
    this.subscription = this.bus.feed().subscribe((event) => {
      if (event.type === 'request.started') {
        const { data } = event;
        this.requests.set(data.requestId, {
          apiKey: data.apiKey,
          model: data.incomingModelAlias,
          startedAt: data.startTime.getTime(),
        });
      } else {
        this.requests.delete(event.record.requestId);
      }
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** How many requests are in flight now. */
  count(now = Date.now()): number {
    let total = 0;
    for (const counted of this.countsByModel(undefined, now).values()) total += counted;
    return total;
  }

  /** Requests in flight per requested model (optionally of one key only). */
  countsByModel(apiKey?: string, now = Date.now()): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [requestId, request] of this.requests) {
      if (now - request.startedAt > MAX_AGE_MS) {
        this.requests.delete(requestId);
        continue;
      }
      if (apiKey !== undefined && request.apiKey !== apiKey) continue;
      counts.set(request.model, (counts.get(request.model) ?? 0) + 1);
    }
    return counts;
  }
}
