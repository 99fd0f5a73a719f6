export { IngressModule } from './ingress.module';
export { toGatewayException } from './errors/wire-exception.filter';
export { RawPassthrough } from './raw/raw-passthrough.service';
export { rawPassthroughOpenApiPath, rawPassthroughRoutes } from './raw/raw-passthrough.routes';
export { OVERHEAD_HEADER } from './pipeline/upstream-timing';
export { CLIENT_FORMATS, clientFormatOfPath, encodeClientError, type ClientFormat } from './errors/client-format';
export { CLIENT_ERROR_TABLE, FOREIGN_ERROR_TABLE } from './errors/client-error-table';
