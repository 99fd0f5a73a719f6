import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { OAuthCredentialEntity } from '../entities/oauth-credential.entity';

export type OAuthCredentialStatus = 'ready' | 'needs_login';

/** An `oauth_credentials` row as the rest of the code sees it (tokens in the clear: never hand it to an API answer). */
export interface OAuthCredentialRecord {
  providerId: string;
  accountId: string;
  accessToken: string;
  refreshToken: string;
  /** The provider's other credential fields (enterprise domain, account id claims...). */
  extra: Record<string, unknown>;
  expiresAt: Date | null;
  status: OAuthCredentialStatus;
  lastRefreshAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type OAuthCredentialWrite = Pick<
  OAuthCredentialRecord,
  'providerId' | 'accountId' | 'accessToken' | 'refreshToken' | 'extra' | 'expiresAt'
>;

/** What a locked update decided: new tokens, a failure to record, or nothing to change. */
export type OAuthCredentialUpdate =
  { kind: 'refreshed'; credential: OAuthCredentialWrite } | { kind: 'failed'; error: string } | { kind: 'unchanged' };

function toRecord(entity: OAuthCredentialEntity): OAuthCredentialRecord {
  let extra: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(entity.extra) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      extra = parsed as Record<string, unknown>;
  } catch {
    // an unreadable extra is treated as none
  }
  return {
    providerId: entity.providerId,
    accountId: entity.accountId,
    accessToken: entity.accessToken,
    refreshToken: entity.refreshToken,
    extra,
    expiresAt: entity.expiresAt,
    status: entity.status === 'needs_login' ? 'needs_login' : 'ready',
    lastRefreshAt: entity.lastRefreshAt,
    lastError: entity.lastError,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

/** OAuth accounts and their tokens (encrypted at rest by the entity's column transformers). */
@Injectable()
export class OAuthCredentialRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(): Promise<OAuthCredentialRecord[]> {
    const rows = await this.dataSource
      .getRepository(OAuthCredentialEntity)
      .find({ order: { providerId: 'ASC', accountId: 'ASC' } });
    return rows.map(toRecord);
  }

  async find(providerId: string, accountId: string): Promise<OAuthCredentialRecord | null> {
    const row = await this.dataSource.getRepository(OAuthCredentialEntity).findOneBy({ providerId, accountId });
    return row ? toRecord(row) : null;
  }

  /** Saves the tokens of a login: the account is ready again, whatever it was. */
  async saveLogin(credential: OAuthCredentialWrite): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(OAuthCredentialEntity);
      const existing = await repository.findOneBy({
        providerId: credential.providerId,
        accountId: credential.accountId,
      });
      await repository.save(
        repository.merge(existing ?? repository.create(), {
          ...credential,
          extra: JSON.stringify(credential.extra),
          status: 'ready',
          lastRefreshAt: new Date(),
          lastError: null,
        }),
      );
    });
  }

  async delete(providerId: string, accountId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(OAuthCredentialEntity).delete({ providerId, accountId });
    return (result.affected ?? 0) > 0;
  }

  /** Ready accounts whose access token expires before `before`. */
  async expiringBefore(before: Date): Promise<OAuthCredentialRecord[]> {
    const rows = await this.dataSource
      .getRepository(OAuthCredentialEntity)
      .createQueryBuilder('credential')
      .where('credential.status = :status', { status: 'ready' })
      .andWhere('credential.expires_at IS NOT NULL AND credential.expires_at < :before', { before })
      .getMany();
    return rows.map(toRecord);
  }

  /**
   * Runs `decide` on the account's row while holding its row lock (`SELECT ... FOR
   * UPDATE`), so one replica refreshes while the others wait and then see its tokens;
   * writes what it decided. Null when the account does not exist.
   */
  async updateLocked(
    providerId: string,
    accountId: string,
    decide: (current: OAuthCredentialRecord) => Promise<OAuthCredentialUpdate>,
  ): Promise<OAuthCredentialRecord | null> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const repository = manager.getRepository(OAuthCredentialEntity);
      const row = await repository
        .createQueryBuilder('credential')
        .setLock('pessimistic_write')
        .where('credential.provider_id = :providerId AND credential.account_id = :accountId', {
          providerId,
          accountId,
        })
        .getOne();
      if (!row) return null;
      const update = await decide(toRecord(row));
      if (update.kind === 'unchanged') return toRecord(row);
      if (update.kind === 'failed') {
        row.status = 'needs_login';
        row.lastError = update.error;
      } else {
        row.accessToken = update.credential.accessToken;
        row.refreshToken = update.credential.refreshToken;
        row.extra = JSON.stringify(update.credential.extra);
        row.expiresAt = update.credential.expiresAt;
        row.status = 'ready';
        row.lastError = null;
        row.lastRefreshAt = new Date();
      }
      return toRecord(await repository.save(row));
    });
  }
}
