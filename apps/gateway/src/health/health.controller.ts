import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { ShutdownState } from '../shutdown/shutdown-state';

@ApiTags('Health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('health')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Liveness: the process is serving' })
  @ApiOkResponse({ description: 'OK' })
  live(): string {
    return 'OK';
  }

  @Get(['healthz', 'ready'])
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiOkResponse({ description: '{ok:true,status:"ok",...}' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async ready(): Promise<HealthCheckResult & { ok: true }> {
    // Also 503 from the first moment of a shutdown, so load balancers stop sending new requests.
    if (this.shutdown.draining) throw new ServiceUnavailableException('shutting down');
    const result = await this.health.check([() => this.database.pingCheck('database', { timeout: 3000 })]);
    return { ok: true, ...result };
  }
}
