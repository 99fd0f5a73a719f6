export { ManagementModule } from './management.module';
export { AuditInterceptor } from './audit/audit.interceptor';
export { GracefulRestart } from './restart/graceful-restart.service';
export { ConfigTransferModule } from './config-transfer/config-transfer.module';
export { ConfigTransferService } from './config-transfer/config-transfer.service';
export type { ConfigDocument, BackupEnvelope } from './config-transfer/config-document';
export { readPlexusDatabase } from './config-transfer/plexus-database.reader';
export { PlexusManagementMcp } from './mcp/plexus/plexus-mcp.service';
export { plexusMcpRoutes } from './mcp/plexus/plexus-mcp.routes';
