import { ANSWER, parseJsonOr, type ClientAnswer, type WireFormat } from './conversation';
import { chatRequest, geminiRequest, messagesRequest, responsesRequest } from './client-requests';
import { chatReader, geminiReader, messagesReader, responsesReader, type ClientReader } from './client-readers';
import { parseSse } from './sse';

export interface ClientCall {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface ClientOptions {
  /** Responses only: leave `store` out (the API default, true) instead of sending `store: false`. */
  storeDefault?: boolean;
}

/** One client wire format: its request, how to read its answer, and what the answer must say. */
export interface ClientFormat {
  format: WireFormat;
  call(alias: string, stream: boolean, apiKey: string, options?: ClientOptions): ClientCall;
  reader: ClientReader;
  /** The finish reason of an answer that calls a tool, in this format's vocabulary. */
  toolFinish: string;
  /** The standard usage (42 in, 10 of them cached, 17 out) in this format's convention. */
  usage: Record<string, unknown>;
  /** Whether the format gives tool calls ids (Gemini usually does not). */
  carriesCallIds: boolean;
}

const { input, cached, output } = ANSWER.usage;
const JSON_HEADERS = { 'content-type': 'application/json' };

export const CLIENT_FORMATS: Record<WireFormat, ClientFormat> = {
  chat: {
    format: 'chat',
    call: (alias, stream, apiKey) => ({
      path: '/v1/chat/completions',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${apiKey}` },
      body: chatRequest(alias, stream),
    }),
    reader: chatReader,
    toolFinish: 'tool_calls',
    usage: {
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
      prompt_tokens_details: { cached_tokens: cached },
    },
    carriesCallIds: true,
  },
  responses: {
    format: 'responses',
    call: (alias, stream, apiKey, options) => ({
      path: '/v1/responses',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${apiKey}` },
      body: responsesRequest(alias, stream, options?.storeDefault ? undefined : false),
    }),
    reader: responsesReader,
    // Responses has no finish reason: a completed response whose output holds a function_call.
    toolFinish: 'completed',
    usage: {
      input_tokens: input,
      input_tokens_details: { cached_tokens: cached },
      output_tokens: output,
      total_tokens: input + output,
    },
    carriesCallIds: true,
  },
  messages: {
    format: 'messages',
    call: (alias, stream, apiKey) => ({
      path: '/v1/messages',
      headers: { ...JSON_HEADERS, 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
      body: messagesRequest(alias, stream),
    }),
    reader: messagesReader,
    toolFinish: 'tool_use',
    // Anthropic's input_tokens leaves the cache reads out.
    usage: { input_tokens: input - cached, cache_read_input_tokens: cached, output_tokens: output },
    carriesCallIds: true,
  },
  gemini: {
    format: 'gemini',
    call: (alias, stream, apiKey) => ({
      path: `/v1beta/models/${encodeURIComponent(alias)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      headers: { ...JSON_HEADERS, 'x-goog-api-key': apiKey },
      body: geminiRequest(),
    }),
    reader: geminiReader,
    // Gemini says STOP after a function call too: the functionCall part is what tells.
    toolFinish: 'STOP',
    usage: {
      promptTokenCount: input,
      cachedContentTokenCount: cached,
      candidatesTokenCount: output,
      totalTokenCount: input + output,
    },
    carriesCallIds: false,
  },
};

export interface ClientExchange {
  status: number;
  contentType: string;
  /** The raw body text, for failure messages. */
  raw: string;
  answer: ClientAnswer;
  headers: Headers;
}

/** Sends the standard conversation as `client` would and reads the answer in its format. */
export async function exchange(
  gatewayUrl: string,
  client: ClientFormat,
  params: { alias: string; stream: boolean; apiKey: string; options?: ClientOptions },
): Promise<ClientExchange> {
  const call = client.call(params.alias, params.stream, params.apiKey, params.options);
  const response = await fetch(`${gatewayUrl}${call.path}`, {
    method: 'POST',
    headers: call.headers,
    body: JSON.stringify(call.body),
  });
  const raw = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const answer = contentType.startsWith('text/event-stream')
    ? client.reader.stream(parseSse(raw))
    : client.reader.body(parseJsonOr(raw));
  return { status: response.status, contentType, raw, answer, headers: response.headers };
}
