import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Logger,
  Patch,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { SystemSettingsRepository } from '@plexus/persistence';
import { SETTINGS_SECTIONS } from '@plexus/routing';
import type { FastifyReply } from 'fastify';
import { SuccessDto } from '../common/success.dto';
import { validationFailed } from '../common/validation';
import { MCP_SERVERS_SETTING, type BackupEnvelope, type ConfigDocument } from './config-document';
import { ConfigRuntime } from './config-runtime.service';
import {
  BackupEnvelopeDto,
  ConfigDocumentDto,
  ConfigImportResultDto,
  ConfigStatusDto,
  RestoreResultDto,
} from './config-transfer.dto';
import {
  ConfigTransferService,
  type ConfigStatus,
  type ImportResult,
  type RestoreResult,
} from './config-transfer.service';

@ApiTags('Management — Config')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management')
export class ConfigTransferController {
  private readonly logger = new Logger(ConfigTransferController.name);

  constructor(
    private readonly transfer: ConfigTransferService,
    private readonly runtime: ConfigRuntime,
    private readonly settings: SystemSettingsRepository,
  ) {}

  @Get('config')
  @ApiOperation({ summary: 'The whole configuration (secrets masked)' })
  @ApiOkResponse({ type: ConfigDocumentDto })
  getConfig(): Promise<ConfigDocument> {
    return this.transfer.exportConfig();
  }

  @Get('config/export')
  @ApiOperation({
    summary:
      'Export the configuration: providers, aliases, keys, user quotas, MCP servers, settings (secrets masked: `secrets: masked`)',
  })
  @ApiOkResponse({ type: ConfigDocumentDto })
  exportConfig(): Promise<ConfigDocument> {
    return this.transfer.exportConfig();
  }

  @Audited()
  @Put('config')
  @ApiOperation({
    summary: 'Import a configuration, replacing every object made through the API',
    description:
      'Validated in full first (fields, alias targets on known providers, key quotas that exist); written in one transaction, so a refused import changes nothing. ' +
      'A masked secret (as in an export) keeps the stored one. Objects from the config file (PLEXUS_CONFIG) stay: entries marked managed are skipped, unmarked entries with their names are refused (409).',
  })
  @ApiBody({ type: ConfigDocumentDto })
  @ApiOkResponse({ type: ConfigImportResultDto })
  @ApiConflictResponse({ description: 'The document names objects managed by the config file' })
  async importConfig(@Body() body: unknown): Promise<ImportResult> {
    const result = await this.transfer.importConfig(body);
    await this.runtime.reload();
    return result;
  }

  @Get('config/status')
  @ApiOperation({ summary: 'Counts of providers, aliases, keys, user quotas and MCP servers' })
  @ApiOkResponse({ type: ConfigStatusDto })
  status(): Promise<ConfigStatus> {
    return this.transfer.status();
  }

  @Get('backup')
  @ApiOperation({
    summary:
      'Back up the configuration, or with full=true everything (a tar.gz adding usage history and other operational tables)',
    description:
      'Secrets are kept as stored: encrypted when the gateway has ENCRYPTION_KEY, so a backup restores only where the same key is set. ' +
      'The full archive holds manifest.json, config.json (the envelope) and one <table>.csv.gz per operational table (NULL is \\N).',
  })
  @ApiQuery({ name: 'full', required: false, type: Boolean })
  @ApiProduces('application/json', 'application/gzip')
  @ApiOkResponse({ type: BackupEnvelopeDto, description: 'The config envelope; with full=true a gzipped tar archive' })
  async backup(
    @Query('full') full: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BackupEnvelope | StreamableFile> {
    if (full !== 'true') return this.transfer.backup();
    // Streamed as it is written; a failure part way ends the download short (a truncated gzip).
    const archive = new PassThrough();
    this.transfer.fullBackup(archive).catch((error: unknown) => {
      this.logger.error(`full backup failed: ${(error as Error).message}`);
      archive.destroy(error as Error);
    });
    void reply.header('cache-control', 'no-store');
    return new StreamableFile(archive, {
      type: 'application/gzip',
      disposition: `attachment; filename="plexus-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz"`,
    });
  }

  @Audited()
  @Post('restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Restore a backup, replacing everything in one transaction',
    description:
      'application/json: a config envelope (configuration only). application/gzip or application/octet-stream: a full archive (configuration and the tables it holds).',
  })
  @ApiConsumes('application/json', 'application/gzip', 'application/octet-stream')
  @ApiBody({ type: BackupEnvelopeDto })
  @ApiOkResponse({ type: RestoreResultDto })
  async restore(@Body() body: unknown): Promise<RestoreResult> {
    const result = Buffer.isBuffer(body)
      ? await this.transfer.restoreArchive(Readable.from([body]))
      : await this.transfer.restore(body);
    await this.runtime.reload();
    return result;
  }

  @Get('system-settings')
  @ApiOperation({ summary: 'All system settings, keyed by setting' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  async systemSettings(): Promise<Record<string, unknown>> {
    const rows = await this.settings.findAll();
    return Object.fromEntries(rows.filter((row) => row.key !== MCP_SERVERS_SETTING).map((row) => [row.key, row.value]));
  }

  @Audited()
  @Patch('system-settings')
  @ApiOperation({ summary: 'Set the given settings (a shallow merge: settings not named keep their value)' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: SuccessDto })
  async patchSystemSettings(@Body() body: unknown): Promise<SuccessDto> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw validationFailed([{ path: [], message: 'Body must be a JSON object', code: 'invalid_type' }]);
    }
    const issues = Object.entries(body).flatMap(([key, value]) => {
      if (key === MCP_SERVERS_SETTING)
        return [{ path: [key], message: 'Set MCP servers through the config import', code: 'reserved' }];
      const section = (SETTINGS_SECTIONS as readonly string[]).includes(key);
      if (section && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        return [
          {
            path: [key],
            message: `${key} is a settings section: give an object (or use /config/${key})`,
            code: 'invalid_type',
          },
        ];
      }
      return [];
    });
    if (issues.length > 0) throw validationFailed(issues);
    for (const [key, value] of Object.entries(body)) await this.settings.set(key, value);
    await this.runtime.reload();
    return { success: true };
  }
}
