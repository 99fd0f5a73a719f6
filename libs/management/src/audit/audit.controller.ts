import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ManagementApi } from '../common/management-api.decorator';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { AdminKeyGuard } from '@plexus/auth';
import { AuditLogRepository } from '@plexus/persistence';
import { validateBody } from '../common/validation';

export class AuditQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
  @IsOptional() @IsString() actor?: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) date!: string;
  @ApiProperty({ description: 'The SSO or OIDC user, `admin-key`, or the API key name of a limited principal' })
  actor!: string;
  @ApiProperty({ enum: ['sso', 'oidc', 'admin-key', 'api-key'] }) actorKind!: 'sso' | 'oidc' | 'admin-key' | 'api-key';
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Route parameters of the change, e.g. `slug=openai`' })
  target!: string | null;
  @ApiProperty({ description: 'HTTP status the change ended with' }) status!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) requestId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) sourceIp!: string | null;
}

export class AuditListDto {
  @ApiProperty({ type: [AuditEntryDto] }) data!: AuditEntryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** The audit log of configuration changes (not in the reference API). */
@ApiTags('Management — Audit')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Configuration changes, newest first (admin only)',
    description:
      'Every mutating /v0/management call: who made it (SSO user, `admin-key`, or an API key name), the method, path and route parameters, when, and the status it ended with. Request bodies are never recorded.',
  })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: '1–500, default 50' })
  @ApiQuery({ name: 'offset', required: false, type: 'integer' })
  @ApiQuery({ name: 'actor', required: false, type: String })
  @ApiOkResponse({ type: AuditListDto })
  async list(@Query() rawQuery: Record<string, unknown>): Promise<AuditListDto> {
    const query = validateBody(AuditQueryDto, rawQuery);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const { records, total } = await this.audit.page({
      limit,
      offset,
      ...(query.actor !== undefined && { actor: query.actor }),
    });
    return {
      data: records.map(({ occurredAt, ...record }) => ({ ...record, date: occurredAt.toISOString() })),
      total,
      limit,
      offset,
    };
  }
}
