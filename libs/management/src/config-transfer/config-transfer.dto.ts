import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const CONFIG_MAP = { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } } as const;

/** The whole configuration as one document: what export answers and import takes (also the PLEXUS_CONFIG file's shape). */
export class ConfigDocumentDto {
  @ApiPropertyOptional({
    enum: ['masked', 'plaintext', 'encrypted'],
    description:
      "How secrets appear: an export says `masked` (a masked value on import keeps the stored secret); `encrypted` values need this gateway's ENCRYPTION_KEY",
  })
  secrets?: 'masked' | 'plaintext' | 'encrypted';

  @ApiPropertyOptional({ ...CONFIG_MAP, description: 'Provider slug to ProviderConfig' })
  providers?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ ...CONFIG_MAP, description: 'Model alias slug to AliasConfig' })
  models?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({
    ...CONFIG_MAP,
    description: 'API key name to KeyConfig (with expiresAt/disabledAt in epoch ms)',
  })
  keys?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ ...CONFIG_MAP, description: 'Quota name to UserQuotaDefinition' })
  user_quotas?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ ...CONFIG_MAP, description: 'MCP server name to its configuration (stored as given)' })
  mcp_servers?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Setting key to value' })
  system_settings?: Record<string, unknown>;
}

export class ConfigStatusDto {
  @ApiProperty({ type: 'integer' }) providerCount!: number;
  @ApiProperty({ type: 'integer' }) modelAliasCount!: number;
  @ApiProperty({ type: 'integer' }) keyCount!: number;
  @ApiProperty({ type: 'integer' }) quotaCount!: number;
  @ApiProperty({ type: 'integer' }) mcpServerCount!: number;
}

export class ConfigWriteCountsDto {
  @ApiProperty({ type: 'integer' }) providers!: number;
  @ApiProperty({ type: 'integer' }) model_aliases!: number;
  @ApiProperty({ type: 'integer' }) api_keys!: number;
  @ApiProperty({ type: 'integer' }) user_quotas!: number;
  @ApiProperty({ type: 'integer' }) system_settings!: number;
}

export class ConfigImportResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty({ type: ConfigWriteCountsDto }) imported!: ConfigWriteCountsDto;
  @ApiProperty({ type: [String], description: 'Entries marked managed, left to the config file (section/name)' })
  skipped!: string[];
}

export class BackupDataDto {
  @ApiProperty(CONFIG_MAP) providers!: Record<string, unknown>;
  @ApiProperty(CONFIG_MAP) models!: Record<string, unknown>;
  @ApiProperty(CONFIG_MAP) keys!: Record<string, unknown>;
  @ApiProperty(CONFIG_MAP) user_quotas!: Record<string, unknown>;
  @ApiProperty(CONFIG_MAP) mcp_servers!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) settings!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) oauth_credentials!: unknown[];
}

/** The reference's ConfigBackupEnvelope, plus how its secrets are stored. */
export class BackupEnvelopeDto {
  @ApiProperty({ enum: [true] }) plexus_backup!: true;
  @ApiProperty({ enum: [1] }) version!: 1;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ enum: ['sqlite', 'postgres'] }) dialect?: 'sqlite' | 'postgres';
  @ApiPropertyOptional({
    enum: ['plaintext', 'encrypted'],
    description:
      '`encrypted`: secrets are kept as stored (AES-256-GCM) and restore only on a gateway with the same ENCRYPTION_KEY',
  })
  secrets?: 'plaintext' | 'encrypted';
  @ApiProperty({ type: BackupDataDto }) data!: BackupDataDto;
}

export class RestoreResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows restored per table' })
  restored!: Record<string, number>;
  @ApiProperty() message!: string;
}
