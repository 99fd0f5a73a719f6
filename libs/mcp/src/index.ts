export { McpModule } from './mcp.module';
export { MCP_ACCESS, type McpAccess, type McpAdmission, type McpAuthentication, type McpCaller } from './mcp-access';
export { mcpProxyOpenApiPath, mcpProxyRoutes } from './mcp.routes';
export { McpProxyService } from './proxy/mcp-proxy.service';
export { McpServerRegistry } from './servers/mcp-server-registry.service';
export { McpUpstreamKeys } from './servers/mcp-upstream-keys.service';
export { McpProcessManager, type McpProcessStatus, type McpProcessState } from './servers/mcp-process-manager.service';
export { McpUsageRecorder } from './usage/mcp-usage-recorder.service';
export {
  MCP_SERVER_NAME,
  RESERVED_MCP_SERVER_NAMES,
  parseMcpServerConfig,
  type McpServerConfig,
  type ConfigIssue,
} from './servers/mcp-server-config';
