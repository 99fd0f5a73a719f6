import { Controller, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementError, ManagementErrorCode } from '../common/management-error';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import type { FastifyReply } from 'fastify';
import { GracefulRestart } from './graceful-restart.service';

export class RestartResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() message!: string;
}

@ApiTags('Management — Restart')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management')
export class RestartController {
  constructor(private readonly restarts: GracefulRestart) {}

  @Audited()
  @Post('restart')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Gracefully restart the process (admin only)',
    description:
      'Answers first, then stops accepting connections, lets in-flight requests finish, flushes buffered usage and exits with status 0; a process manager (systemd, Docker, PM2, Kubernetes) is expected to start it again.',
  })
  @ApiOkResponse({ type: RestartResultDto })
  @ApiResponse({ status: 503, description: 'This gateway is embedded in another process and cannot exit' })
  restart(@Res({ passthrough: true }) reply: FastifyReply): RestartResultDto {
    if (!this.restarts.available) {
      throw new ManagementError(
        ManagementErrorCode.UNAVAILABLE,
        'Restart is not available: this gateway does not own its process',
      );
    }
    // Shut down once this answer has left, so the caller always gets it.
    reply.raw.once('finish', () => this.restarts.restart());
    return { success: true, message: 'Restarting: the process exits once in-flight requests have finished' };
  }
}
