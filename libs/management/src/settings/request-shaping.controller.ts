import { Body, Controller, Get, HttpCode, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard } from '@plexus/auth';
import { RoutingConfigService, SettingsService, VisionDescriptorCache, type CompactionSettings } from '@plexus/routing';
import { validateBody, validationFailed } from '../common/validation';
import {
  CacheClearResultDto,
  CompactionSettingsDto,
  VisionFallthroughSettingsDto,
  VisionFallthroughSettingsPatchDto,
} from './request-shaping-settings.dto';
import { Audited } from '../audit/audited.decorator';

/** Vision fallthrough and compaction: the global settings of per-attempt request shaping. */
@ApiTags('Management — Config')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management')
export class RequestShapingController {
  constructor(
    private readonly settings: SettingsService,
    private readonly config: RoutingConfigService,
    private readonly descriptions: VisionDescriptorCache,
  ) {}

  @Get('config/vision-fallthrough')
  @ApiOperation({ summary: 'Vision fallthrough: the descriptor model and its prompt' })
  @ApiOkResponse({ type: VisionFallthroughSettingsDto })
  getVisionFallthrough(): VisionFallthroughSettingsDto {
    return this.settings.get('visionFallthrough');
  }

  @Patch('config/vision-fallthrough')
  @Audited()
  @ApiOperation({
    summary: 'Update vision fallthrough (the descriptor model must be an alias or direct/<provider>/<model>)',
  })
  @ApiBody({ type: VisionFallthroughSettingsPatchDto })
  @ApiOkResponse({ type: VisionFallthroughSettingsDto })
  async patchVisionFallthrough(@Body() body: unknown): Promise<VisionFallthroughSettingsDto> {
    const dto = validateBody(VisionFallthroughSettingsDto, body);
    const model = dto.descriptor_model;
    if (model) {
      const direct = /^direct\/([^/]+)\/.+$/.exec(model);
      const known = direct ? this.config.provider(direct[1]) !== undefined : this.config.alias(model) !== undefined;
      if (!known)
        throw validationFailed([
          {
            path: ['descriptor_model'],
            message: `'${model}' is neither an alias nor direct/<provider>/<model> with a configured provider`,
            code: 'unknown_model',
          },
        ]);
    }
    return this.settings.patch('visionFallthrough', {
      ...(dto.descriptor_model !== undefined && { descriptor_model: dto.descriptor_model || null }),
      ...(dto.default_prompt !== undefined && { default_prompt: dto.default_prompt }),
    });
  }

  @Post('cache/vision-descriptor/clear')
  @Audited()
  @HttpCode(200)
  @ApiOperation({ summary: "Forget every cached image description (every replica's, with REDIS_URL)" })
  @ApiOkResponse({ type: CacheClearResultDto })
  async clearDescriptions(): Promise<CacheClearResultDto> {
    const held = await this.descriptions.clear();
    return { success: true, message: `Cleared the vision descriptor cache (${held} entries on this replica)` };
  }

  @Get('config/compaction')
  @ApiOperation({ summary: 'Context compaction defaults (aliases and providers override them with `compaction`)' })
  @ApiOkResponse({ type: CompactionSettingsDto })
  getCompaction(): CompactionSettingsDto {
    return this.settings.get('compaction');
  }

  @Patch('config/compaction')
  @Audited()
  @ApiOperation({ summary: 'Update the compaction defaults (nested native settings merge field by field)' })
  @ApiBody({ type: CompactionSettingsDto })
  @ApiOkResponse({ type: CompactionSettingsDto })
  async patchCompaction(@Body() body: unknown): Promise<CompactionSettingsDto> {
    const dto = validateBody(CompactionSettingsDto, body);
    const current = this.settings.get('compaction');
    const defined = <T extends object>(value: T | undefined): Partial<T> =>
      Object.fromEntries(Object.entries(value ?? {}).filter(([, field]) => field !== undefined)) as Partial<T>;
    const { native, ...top } = dto;
    const next: Partial<CompactionSettings> = {
      ...defined(top),
      native: { ...current.native, ...defined(native) },
    };
    return this.settings.patch('compaction', next);
  }
}
