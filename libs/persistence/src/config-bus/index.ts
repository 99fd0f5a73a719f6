export { CONFIG_TOPICS, isConfigTopic, type ConfigChangedEvent, type ConfigTopic } from './config-change';
export { ConfigChangeBus, type ConfigChangeBusOptions } from './config-change-bus';
export { LocalConfigChangeTransport, type ConfigChangeTransport } from './config-change-transport';
export { PostgresNotifyTransport } from './postgres-notify.transport';
