import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ENCRYPTED_COLUMN } from '../encryption/secret-cipher';

/**
 * One OAuth account of a subscription provider (Claude, Codex, Copilot...): its tokens,
 * encrypted at rest, and whether it can still be used.
 */
@Entity('oauth_credentials')
@Index('uq_oauth_credentials_account', ['providerId', 'accountId'], { unique: true })
export class OAuthCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The OAuth provider (`anthropic`, `openai-codex`, `github-copilot`...). */
  @Column({ name: 'provider_id', type: 'varchar', length: 100 })
  providerId!: string;

  /** The admin's name for the account (`work`, `personal`). */
  @Column({ name: 'account_id', type: 'varchar', length: 200 })
  accountId!: string;

  @Column({ name: 'access_token', type: 'text', transformer: ENCRYPTED_COLUMN })
  accessToken!: string;

  @Column({ name: 'refresh_token', type: 'text', transformer: ENCRYPTED_COLUMN })
  refreshToken!: string;

  /** The provider's other credential fields (Copilot's enterprise domain, Codex's account id) as JSON, encrypted like the tokens. */
  @Column({ type: 'text', transformer: ENCRYPTED_COLUMN })
  extra!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** `ready`, or `needs_login` once a refresh was refused: routing skips it until a new login. */
  @Column({ type: 'varchar', length: 20, default: 'ready' })
  status!: string;

  @Column({ name: 'last_refresh_at', type: 'timestamptz', nullable: true })
  lastRefreshAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
