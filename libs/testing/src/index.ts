export * from './scripted-upstream';
export * from './openai-chat.fixtures';
export * from './openai-responses.fixtures';
export * from './gemini.fixtures';
export * from './anthropic.fixtures';
export * from './test-database';
export * from './gateway-process';
export * from './matrix';
