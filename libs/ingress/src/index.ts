export { IngressModule } from './ingress.module';
export { toGatewayException } from './errors/wire-exception.filter';
export { RawPassthrough } from './raw/raw-passthrough.service';
export { rawPassthroughOpenApiPath, rawPassthroughRoutes } from './raw/raw-passthrough.routes';
export { OVERHEAD_HEADER } from './pipeline/upstream-timing';
