import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { CooldownService } from '@plexus/routing';
import { SuccessDto } from '../common/success.dto';
import { CooldownDto } from './cooldown.dto';

/** Provider/model cooldowns: what failed recently and is skipped by routing for now. */
@ApiTags('Management — Cooldowns')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/cooldowns')
export class CooldownsController {
  constructor(private readonly cooldowns: CooldownService) {}

  @Get()
  @ApiOperation({ summary: 'Active cooldowns (providers with disable_cooldown never appear)' })
  @ApiOkResponse({ type: [CooldownDto] })
  list(): CooldownDto[] {
    return this.cooldowns.list();
  }

  @Audited()
  @Delete()
  @ApiOperation({ summary: 'Clear every cooldown and failure count' })
  @ApiOkResponse({ type: SuccessDto })
  async clearAll(): Promise<SuccessDto> {
    await this.cooldowns.clear();
    return { success: true };
  }

  @Audited()
  @Delete(':provider')
  @ApiOperation({ summary: "Clear a provider's cooldowns, or one provider/model pair with ?model=" })
  @ApiQuery({
    name: 'model',
    type: String,
    required: false,
    description: "Only this model's cooldown; omitted or empty clears the whole provider",
  })
  @ApiOkResponse({ type: SuccessDto })
  async clear(@Param('provider') provider: string, @Query('model') model?: string | string[]): Promise<SuccessDto> {
    const only = Array.isArray(model) ? model[0] : model;
    await this.cooldowns.clear(provider, only === undefined || only === '' ? undefined : only);
    return { success: true };
  }
}
