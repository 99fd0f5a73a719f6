import { Controller, Delete, Get, Param, ParseUUIDPipe, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import type { RequestUsageEntity } from '@plexus/persistence';
import { SuccessDto } from '../common/success.dto';
import { validateBody } from '../common/validation';
import { InferenceErrorsService } from './inference-errors.service';
import { ApiQueryFrom } from '../common/api-query-from';

export class ErrorsQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class InferenceErrorDto {
  @ApiProperty() requestId!: string;
  @ApiProperty({ format: 'date-time' }) date!: string;
  @ApiProperty({ nullable: true, type: String }) apiKey!: string | null;
  @ApiProperty({ nullable: true, type: String }) incomingModelAlias!: string | null;
  @ApiProperty({ nullable: true, type: String }) provider!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty() responseStatus!: string;
  @ApiProperty({ nullable: true, type: Number }) httpStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty({ description: 'Every attempt, with the reason each failed', type: 'array', items: { type: 'object' } })
  attempts!: RequestUsageEntity['retryHistory'];
}

export class InferenceErrorListDto {
  @ApiProperty({ type: [InferenceErrorDto] }) data!: InferenceErrorDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** Requests that failed (errors, timeouts, cancellations), newest first, with their attempts. */
@ApiTags('Management — Usage')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/errors')
export class ErrorsController {
  constructor(private readonly errors: InferenceErrorsService) {}

  @Get()
  @AllowLimited()
  @ApiOperation({ summary: 'Failed inference requests (an API key sees only its own)' })
  @ApiQueryFrom(ErrorsQueryDto)
  @ApiOkResponse({ type: InferenceErrorListDto })
  @ApiBadRequestResponse({ description: 'limit or offset out of range' })
  list(@Query() rawQuery: Record<string, unknown>, @Req() request: ManagementRequest): Promise<InferenceErrorListDto> {
    const query = validateBody(ErrorsQueryDto, rawQuery);
    const principal = request.managementPrincipal;
    return this.errors.list({
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
      ...(principal?.role === 'limited' && { apiKey: principal.keyName }),
    });
  }

  @Audited()
  @Delete()
  @ApiOperation({
    summary: 'Delete all error logs (admin only)',
    description: 'Deletes the records of every request that did not succeed; the successful usage history stays.',
  })
  @ApiOkResponse({ type: SuccessDto })
  async deleteAll(): Promise<SuccessDto> {
    await this.errors.deleteAll();
    return { success: true };
  }

  @Audited()
  @Delete(':requestId')
  @ApiOperation({ summary: 'Delete one failed request (its usage record) (admin only)' })
  @ApiOkResponse({ type: SuccessDto })
  async deleteOne(@Param('requestId', new ParseUUIDPipe()) requestId: string): Promise<SuccessDto> {
    await this.errors.deleteOne(requestId);
    return { success: true };
  }
}
