import { Injectable } from '@nestjs/common';
import { UsageRepository } from '@plexus/persistence';
import { notFound } from '../common/validation';
import type { InferenceErrorListDto } from './errors.controller';

/** The error log: usage records of requests that did not succeed. */
@Injectable()
export class InferenceErrorsService {
  constructor(private readonly usage: UsageRepository) {}

  /** A page of failed requests, newest first; `apiKey` narrows it to one key's. */
  async list(page: { limit: number; offset: number; apiKey?: string }): Promise<InferenceErrorListDto> {
    const { rows, total } = await this.usage.find({ ...page, failedOnly: true });
    return {
      data: rows.map((row) => ({
        requestId: row.requestId,
        date: row.startTime.toISOString(),
        apiKey: row.apiKey,
        incomingModelAlias: row.incomingModelAlias,
        provider: row.provider,
        model: row.selectedModelName,
        responseStatus: row.responseStatus,
        httpStatus: row.httpStatus,
        errorMessage: row.errorMessage,
        attempts: row.retryHistory,
      })),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  async deleteOne(requestId: string): Promise<void> {
    const record = await this.usage.findById(requestId);
    if (!record || record.responseStatus === 'success') throw notFound(`Error log '${requestId}' not found`);
    await this.usage.deleteById(requestId);
  }

  /** Deletes every failed request's record; successful ones (the usage history) stay. */
  deleteAll(): Promise<number> {
    return this.usage.deleteFailed();
  }
}
