import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { CanonicalMessage, InstructionBlock } from '@plexus/core';
import { StoredResponseRepository, type StoredResponseRecord } from '@plexus/persistence';

export interface ConversationHistory {
  instructions: InstructionBlock[];
  messages: CanonicalMessage[];
}

/** A Responses conversation as `GET /v1/conversations/{id}` shows it: every turn's input items, then its output items. */
export interface StoredConversation {
  id: string;
  object: 'conversation';
  created_at: number;
  items: Record<string, unknown>[];
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

  async save(params: {
    id: string;
    apiKey: string;
    history: ConversationHistory;
    response: Record<string, unknown>;
    /** The conversation this answer is a turn of, with the turn's input items. */
    conversation?: { id: string; inputItems: unknown[] };
  }): Promise<void> {
    await this.repository.insert({
      id: params.id,
      apiKey: params.apiKey,
      history: { instructions: params.history.instructions, messages: params.history.messages },
      response: params.response,
      conversationId: params.conversation?.id ?? null,
      inputItems: params.conversation?.inputItems ?? null,
    });
  }

  /** Where a conversation stands: its latest turn's history (null for a conversation with no turn yet). */
  async conversationHistory(conversationId: string, apiKey: string): Promise<ConversationHistory | null> {
    const turns = await this.liveTurns(conversationId, apiKey);
    const latest = turns.at(-1);
    return latest
      ? {
          instructions: latest.history.instructions as InstructionBlock[],
          messages: latest.history.messages as CanonicalMessage[],
        }
      : null;
  }

  async conversation(conversationId: string, apiKey: string): Promise<StoredConversation | null> {
    const turns = await this.liveTurns(conversationId, apiKey);
    const first = turns[0];
    if (!first) return null;
    const items = turns.flatMap((turn) => [
      ...((turn.inputItems ?? []) as Record<string, unknown>[]),
      ...outputItems(turn.response),
    ]);
    return {
      id: conversationId,
      object: 'conversation',
      created_at: Math.floor((first.createdAt?.getTime() ?? Date.now()) / 1000),
      items,
    };
  }

  private async liveTurns(conversationId: string, apiKey: string): Promise<StoredResponseRecord[]> {
    return (await this.repository.findConversation(conversationId, apiKey)).filter((turn) => !expired(turn.createdAt));
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

function outputItems(response: Record<string, unknown>): Record<string, unknown>[] {
  const output = response['output'];
  return Array.isArray(output) ? (output as Record<string, unknown>[]) : [];
}
