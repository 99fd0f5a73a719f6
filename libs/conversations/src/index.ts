export * from './response-store.service';
export { ConversationsModule } from './conversations.module';
