import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';
import { RequestEventBus, type FeedEvent } from '@plexus/usage';
import type { FastifyReply } from 'fastify';
import { filter, map } from 'rxjs';
import { streamSse, type SseFrame } from '../common/sse';
import { usageRecordOf } from '../usage/usage-record.mapper';

/**
 * A bus event as the reference's feed shows it: `started` (partial record), `progress`
 * (output so far, each second) or `completed` (the UsageRecord).
 */
function frameOf(event: FeedEvent): SseFrame {
  const id = String(Date.now());
  if (event.type === 'request.completed') return { event: 'completed', data: usageRecordOf(event.record), id };
  if (event.type === 'request.progress') return { event: 'progress', data: event.data, id };
  const { data } = event;
  return {
    event: 'started',
    id,
    data: {
      requestId: data.requestId,
      clientRequestId: data.clientRequestId,
      date: data.startTime.toISOString(),
      startTime: data.startTime.getTime(),
      apiKey: data.apiKey,
      attribution: data.attribution,
      sourceIp: data.sourceIp,
      incomingApiType: data.incomingApiType,
      incomingModelAlias: data.incomingModelAlias,
      isStreamed: data.isStreamed,
      responseStatus: 'pending',
    },
  };
}

/** The live feed of requests as server-sent events. */
@ApiTags('Events')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/events')
export class EventsController {
  constructor(private readonly bus: RequestEventBus) {}

  @Get()
  @AllowLimited()
  @ApiOperation({
    summary:
      'Live request events (SSE): `started`, `progress` every second while a request runs (output so far, estimated tokens/s), `completed` with the UsageRecord, and `ping` every 10 s; an API key sees only its own',
  })
  @ApiProduces('text/event-stream')
  events(@Req() request: ManagementRequest, @Res() reply: FastifyReply): void {
    const principal = request.managementPrincipal;
    const ownKey = principal?.role === 'limited' ? principal.keyName : undefined;
    streamSse(
      reply,
      this.bus.clientFeed().pipe(
        filter((event) => ownKey === undefined || event.apiKey === ownKey),
        map(frameOf),
      ),
    );
  }
}
