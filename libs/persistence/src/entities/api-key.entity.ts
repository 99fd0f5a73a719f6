import { ENCRYPTED_COLUMN } from '../encryption/secret-cipher';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Allow and deny lists and flags of a key (KeyConfig fields other than secret and comment). */
export interface ApiKeyPolicy {
  allowedModels?: string[];
  excludedModels?: string[];
  allowedProviders?: string[];
  excludedProviders?: string[];
  allowRawPassthrough?: boolean;
  allowedIps?: string[];
  quota?: string | null;
  quotas?: string[];
  /** Most requests of this key in flight at once (across replicas with Redis); absent: no limit. */
  maxConcurrency?: number;
  /** MCP servers (`/mcp/{name}`) the key may use; absent or empty: every server. */
  allowedMcpServers?: string[];
  /** Per MCP server, the tools the key sees and may call: `allow` (absent: all) minus `deny`. */
  mcpToolPolicy?: Record<string, McpToolPolicy>;
}

export interface McpToolPolicy {
  allow?: string[];
  deny?: string[];
}

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name!: string;

  @Column({ type: 'text', transformer: ENCRYPTED_COLUMN })
  secret!: string;

  /** SHA-256 of the secret, hex: what authentication looks up and compares. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, unique: true })
  secretHash!: string;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  policy!: ApiKeyPolicy;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  /** Owned by the declarative config file (PLEXUS_CONFIG): the management API refuses to change it. */
  @Column({ type: 'boolean', default: false })
  managed!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
