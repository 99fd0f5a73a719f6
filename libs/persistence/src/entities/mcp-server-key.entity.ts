import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ENCRYPTED_COLUMN } from '../encryption/secret-cipher';

/** One upstream credential of an MCP server; the proxy rotates through a server's active keys. */
@Entity('mcp_server_keys')
@Index('idx_mcp_server_keys_server', ['serverName'])
export class McpServerKeyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'server_name', type: 'varchar', length: 64 })
  serverName!: string;

  @Column({ type: 'text', transformer: ENCRYPTED_COLUMN })
  key!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
