export { IngressModule } from './ingress.module';
export { toGatewayException } from './errors/wire-exception.filter';
