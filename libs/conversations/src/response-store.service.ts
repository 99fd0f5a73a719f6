import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { CanonicalMessage, InstructionBlock } from '@plexus/core';
import { StoredResponseRepository } from '@plexus/persistence';

export interface ConversationHistory {
  instructions: InstructionBlock[];
  messages: CanonicalMessage[];
}

/** How long a stored response can be continued or fetched, as the reference gateway. */
export const STORED_RESPONSE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Responses API state: each stored answer keeps the canonical conversation it ends, so a
 * later request's `previous_response_id` continues it, whatever provider answers next.
 * Everything is scoped to the API key that created it.
 */
@Injectable()
export class ResponseStore {
  private readonly logger = new Logger(ResponseStore.name);

  constructor(private readonly repository: StoredResponseRepository) {}

  async save(params: { id: string; apiKey: string; history: ConversationHistory; response: Record<string, unknown> }): Promise<void> {
    await this.repository.insert({
      id: params.id,
      apiKey: params.apiKey,
      history: { instructions: params.history.instructions, messages: params.history.messages },
      response: params.response,
    });
  }

  async history(id: string, apiKey: string): Promise<ConversationHistory | null> {
    const record = await this.repository.find(id, apiKey);
    if (!record || expired(record.createdAt)) return null;
    return {
      instructions: record.history.instructions as InstructionBlock[],
      messages: record.history.messages as CanonicalMessage[],
    };
  }

  async response(id: string, apiKey: string): Promise<Record<string, unknown> | null> {
    const record = await this.repository.find(id, apiKey);
    return record && !expired(record.createdAt) ? record.response : null;
  }

  delete(id: string, apiKey: string): Promise<boolean> {
    return this.repository.delete(id, apiKey);
  }

  @Cron(CronExpression.EVERY_HOUR)
  async pruneExpired(): Promise<void> {
    const removed = await this.repository.deleteOlderThan(new Date(Date.now() - STORED_RESPONSE_TTL_MS));
    if (removed > 0) this.logger.log(`pruned ${removed} expired stored responses`);
  }
}

function expired(createdAt: Date | undefined): boolean {
  return createdAt !== undefined && createdAt.getTime() < Date.now() - STORED_RESPONSE_TTL_MS;
}
