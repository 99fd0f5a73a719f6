import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { MCP_ACCESS, type McpAccess } from './mcp-access';
import { McpProxyService } from './proxy/mcp-proxy.service';
import { McpProcessManager } from './servers/mcp-process-manager.service';
import { McpServerRegistry } from './servers/mcp-server-registry.service';
import { McpUpstreamKeys } from './servers/mcp-upstream-keys.service';
import { McpUsageRecorder } from './usage/mcp-usage-recorder.service';

const SERVICES = [McpServerRegistry, McpUpstreamKeys, McpProcessManager, McpUsageRecorder, McpProxyService];

/** The MCP gateway. `access`: how callers are authenticated and admitted (the app provides it from libs/auth and libs/quota). */
@Module({})
export class McpModule {
  static forRoot(params: { imports: ModuleMetadata['imports']; access: Type<McpAccess> }): DynamicModule {
    return {
      module: McpModule,
      global: true,
      imports: params.imports ?? [],
      providers: [...SERVICES, params.access, { provide: MCP_ACCESS, useExisting: params.access }],
      exports: SERVICES,
    };
  }
}
