import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUILT_IN_CHECKERS, DEFAULT_INTERVAL_MINUTES } from '@plexus/quota';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';

const CHECKER_TYPES = BUILT_IN_CHECKERS.map((checker) => checker.type);

/** A provider's `quota_checker` block: which checker polls its upstream, how often, with what options. */
export class ProviderQuotaCheckerDto {
  @ApiProperty({ enum: CHECKER_TYPES, description: 'One of GET /v0/management/quota-checker-types' })
  @IsIn(CHECKER_TYPES, { message: `type must be one of: ${CHECKER_TYPES.join(', ')}` })
  type!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: DEFAULT_INTERVAL_MINUTES, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  intervalMinutes?: number;

  @ApiPropertyOptional({ description: "Checker id (unique); defaults to the provider's slug" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  id?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Per-type options: endpoint (override the upstream URL), apiKey (instead of the provider key), maxUtilizationPercent (1-100, default 99)... Credential options (named like apiKey, token, provisioningKey, *Secret, *Password, *Cookie) are stored encrypted, shown masked, and a masked value sent back keeps the stored one.',
  })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}
