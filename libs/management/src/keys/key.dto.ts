import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsIpRuleList } from '../common/is-ip-rule.validator';
import { IsMcpToolPolicy } from './mcp-tool-policy.validator';

/** An API key as the reference's KeyConfig. */
export class KeyConfigDto {
  [field: string]: unknown;

  @ApiProperty({ description: 'The secret clients present. Write-only: responses show it masked.', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  secret!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Lifetime of a new key in minutes; fixed at creation' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expiresInMinutes?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allowedModels?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  excludedModels?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allowedProviders?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  excludedProviders?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  allowRawPassthrough?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Client addresses allowed to use the key (IPv4/IPv6, CIDR, a.b.c.d-N or addr-addr ranges), resolved through the trusted proxies; empty: any.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @IsIpRuleList()
  allowedIps?: string[];

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  quota?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  quotas?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Most requests of this key in flight at once (429 beyond); null or absent: no limit',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  maxConcurrency?: number | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'MCP servers (/mcp/{name}) the key may use; absent or empty: all',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allowedMcpServers?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        allow: { type: 'array', items: { type: 'string' } },
        deny: { type: 'array', items: { type: 'string' } },
      },
    },
    description:
      'Per MCP server, the tools the key sees in tools/list and may call: `allow` (absent: every tool) minus `deny`',
  })
  @IsOptional()
  @IsMcpToolPolicy()
  mcpToolPolicy?: Record<string, { allow?: string[]; deny?: string[] }>;

  @ApiPropertyOptional({
    readOnly: true,
    description:
      'Set on objects from the declarative config file (PLEXUS_CONFIG): the API refuses to change them (409)',
  })
  managed?: boolean;
}

export class KeySaveResultDto {
  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty()
  name!: string;
}
