/**
 * OpenTelemetry GenAI semantic conventions (semconv 1.37+, still "development"): the names
 * the spans carry. `gen_ai.system` is the pre-1.37 name of `gen_ai.provider.name`, emitted
 * too for backends that still read it.
 */
export const GenAi = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  SYSTEM: 'gen_ai.system',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  ERROR_TYPE: 'error.type',
  HTTP_RESPONSE_STATUS_CODE: 'http.response.status_code',
} as const;

/** `gen_ai.operation.name` for each wire format. */
export function operationName(apiType: string): string {
  switch (apiType) {
    case 'completions':
      return 'text_completion';
    case 'gemini':
      return 'generate_content';
    case 'embeddings':
      return 'embeddings';
    default:
      return 'chat';
  }
}

/**
 * `gen_ai.provider.name` by the wire format spoken (the convention names the API, e.g. an
 * OpenAI-compatible upstream is `openai`); the configured provider is `plexus.provider`.
 */
export function providerName(apiType: string): string {
  switch (apiType) {
    case 'messages':
      return 'anthropic';
    case 'gemini':
      return 'gcp.gemini';
    default:
      return 'openai';
  }
}

/** `server.address` and `server.port` of an upstream base URL. */
export function serverOf(baseUrl: string): { address: string; port: number } | null {
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { address: url.hostname, port };
  } catch {
    return null;
  }
}
