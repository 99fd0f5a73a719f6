import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard } from '@plexus/auth';
import { GatewayMetrics } from '@plexus/usage';
import type { FastifyReply } from 'fastify';

/** The reference gateway's admin-only path to the same Prometheus metrics as `/metrics`. */
@ApiTags('Management — Metrics')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/metrics')
export class ManagementMetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics, text exposition format (admin only)' })
  @ApiOkResponse({ description: 'Prometheus text' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.scrape();
    void reply.header('content-type', this.metrics.contentType).send(body);
  }
}
