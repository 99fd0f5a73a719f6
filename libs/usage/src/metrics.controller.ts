import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GatewayMetrics } from './gateway-metrics.service';

/** Prometheus scrape endpoint, for an in-cluster scraper (no API keys in the labels). */
@ApiTags('Metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics, text exposition format' })
  @ApiOkResponse({ description: 'Prometheus text' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.scrape();
    void reply.header('content-type', this.metrics.contentType).send(body);
  }
}
