export { IngressModule } from './ingress.module';
export { toGatewayException } from './openai-chat/openai-chat-exception.filter';
