import { Body, Controller, Get, Injectable, Patch, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { SystemSettingsRepository } from '@plexus/persistence';
import { validationFailed } from '../common/validation';

const MCP_ENABLED_SETTING = 'mcpEnabled';

export class McpEnabledDto {
  @ApiProperty({ description: 'Whether the Plexus management MCP server (/mcp/plexus) answers' })
  enabled!: boolean;
}

/** The `/mcp/plexus` switch (the reference's `mcpEnabled`, on unless turned off). */
@Injectable()
export class McpEnabledSetting {
  constructor(private readonly settings: SystemSettingsRepository) {}

  async enabled(): Promise<boolean> {
    return (await this.settings.get(MCP_ENABLED_SETTING)) !== false;
  }

  async set(enabled: boolean): Promise<void> {
    await this.settings.set(MCP_ENABLED_SETTING, enabled);
  }
}

@ApiTags('Management — Config')
@ApiSecurity('AdminKey')
@UseGuards(AdminKeyGuard)
@Controller('v0/management/config/mcp-enabled')
export class McpEnabledController {
  constructor(private readonly setting: McpEnabledSetting) {}

  @Get()
  @ApiOperation({ summary: 'Whether the Plexus management MCP server (/mcp/plexus) is enabled' })
  @ApiOkResponse({ type: McpEnabledDto })
  async get(): Promise<McpEnabledDto> {
    return { enabled: await this.setting.enabled() };
  }

  @Audited()
  @Patch()
  @ApiOperation({ summary: 'Enable or disable the Plexus management MCP server (418 mcp_disabled while off)' })
  @ApiBody({ type: McpEnabledDto })
  @ApiOkResponse({ type: McpEnabledDto })
  async patch(@Body() body: unknown): Promise<McpEnabledDto> {
    const enabled = (body as { enabled?: unknown } | null)?.enabled;
    if (typeof enabled !== 'boolean')
      throw validationFailed([{ path: ['enabled'], message: 'must be a boolean', code: 'invalid_type' }]);
    await this.setting.set(enabled);
    return { enabled };
  }
}
