import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource } from 'typeorm';
import { StoredResponseEntity } from '../entities/stored-response.entity';

export interface StoredResponseRecord {
  id: string;
  apiKey: string;
  history: { instructions: unknown[]; messages: unknown[] };
  response: Record<string, unknown>;
  conversationId?: string | null;
  inputItems?: unknown[] | null;
  createdAt?: Date;
}

@Injectable()
export class StoredResponseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(record: StoredResponseRecord): Promise<void> {
    const repository = this.dataSource.getRepository(StoredResponseEntity);
    await repository.save(repository.create(record));
  }

  async find(id: string, apiKey: string): Promise<StoredResponseRecord | null> {
    return this.dataSource.getRepository(StoredResponseEntity).findOne({ where: { id, apiKey } });
  }

  /** A conversation's turns, oldest first. */
  async findConversation(conversationId: string, apiKey: string): Promise<StoredResponseRecord[]> {
    return this.dataSource
      .getRepository(StoredResponseEntity)
      .find({ where: { conversationId, apiKey }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async delete(id: string, apiKey: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(StoredResponseEntity).delete({ id, apiKey });
    return (result.affected ?? 0) > 0;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.dataSource.getRepository(StoredResponseEntity).delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
