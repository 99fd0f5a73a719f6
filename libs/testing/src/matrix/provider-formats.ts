import type { RecordedRequest, ScriptedReply } from '../scripted-upstream';
import { asArray, asRecord, asString, parseJsonOr, type ReceivedConversation, type WireFormat } from './conversation';
import {
  chatReplies,
  geminiReplies,
  messagesReplies,
  responsesReplies,
  type ProviderReplies,
} from './provider-replies';

/** One provider wire format: how to configure it, read what it received, and answer. */
export interface ProviderFormat {
  format: WireFormat;
  /** The upstream model name the aliases point at. */
  model: string;
  /** The provider's `api_base_url` map for a scripted upstream at `url`. */
  apiBaseUrl(url: string): Record<string, string>;
  /** The path (and query) the gateway must call. */
  path(stream: boolean): string;
  /** The headers that authenticate the gateway to this provider with `apiKey`. */
  authHeaders(apiKey: string): Record<string, string>;
  /** How this format ties a tool result to its call: by call id, or by function name. */
  linksResultsBy: 'id' | 'name';
  /** What the upstream received, read out of this format. */
  read(request: RecordedRequest): ReceivedConversation;
  replies: ProviderReplies;
}

/** Answers in whatever mode the gateway asked for: a stream or a whole body. */
export function standardReply(provider: ProviderFormat, request: RecordedRequest): ScriptedReply {
  return provider.read(request).streaming
    ? { kind: 'sse', events: provider.replies.stream(provider.model) }
    : { kind: 'json', body: provider.replies.body(provider.model) };
}

/** The first events of the standard stream, then silence. */
export function stallingReply(provider: ProviderFormat): ScriptedReply {
  return { kind: 'hang', events: provider.replies.partialStream(provider.model) };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function dataUrlImage(url: unknown): { mimeType: string; data: string } | undefined {
  const match = DATA_URL.exec(asString(url) ?? '');
  return match ? { mimeType: match[1] ?? '', data: match[2] ?? '' } : undefined;
}

/** Text of a content that is a string or a list of `{type, text}` parts of the given types. */
function textOf(content: unknown, types: readonly string[]): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map(asRecord)
    .filter((part) => types.includes(asString(part['type']) ?? ''))
    .map((part) => asString(part['text']) ?? '')
    .join('');
}

function parsedArguments(value: unknown): unknown {
  return typeof value === 'string' ? parseJsonOr(value) : value;
}

function emptyReceived(body: Record<string, unknown>): ReceivedConversation {
  return {
    model: asString(body['model']),
    streaming: body['stream'] === true,
    streamUsage: true,
    system: '',
    userTexts: [],
    images: [],
    tools: [],
    toolCalls: [],
    toolResults: [],
    maxTokens: undefined,
    temperature: body['temperature'],
  };
}

// ---- OpenAI Chat Completions ----

function readChat(request: RecordedRequest): ReceivedConversation {
  const body = asRecord(request.body);
  const received: ReceivedConversation = {
    ...emptyReceived(body),
    streamUsage: asRecord(body['stream_options'])['include_usage'] === true,
    maxTokens: body['max_completion_tokens'],
  };
  const system: string[] = [];
  for (const message of asArray(body['messages']).map(asRecord)) {
    const content = message['content'];
    switch (message['role']) {
      case 'system':
      case 'developer':
        system.push(textOf(content, ['text']));
        break;
      case 'user':
        received.userTexts.push(textOf(content, ['text']));
        for (const part of asArray(content).map(asRecord)) {
          const image = part['type'] === 'image_url' ? dataUrlImage(asRecord(part['image_url'])['url']) : undefined;
          if (image) received.images.push(image);
        }
        break;
      case 'assistant':
        for (const call of asArray(message['tool_calls']).map(asRecord)) {
          const fn = asRecord(call['function']);
          received.toolCalls.push({
            id: asString(call['id']),
            name: asString(fn['name']) ?? '',
            arguments: parsedArguments(fn['arguments']),
          });
        }
        break;
      case 'tool':
        received.toolResults.push({
          id: asString(message['tool_call_id']),
          name: asString(message['name']),
          text: textOf(content, ['text']),
        });
        break;
    }
  }
  received.system = system.join('\n');
  for (const tool of asArray(body['tools']).map(asRecord)) {
    const fn = asRecord(tool['function']);
    received.tools.push({
      name: asString(fn['name']) ?? '',
      description: asString(fn['description']),
      schema: asRecord(fn['parameters']),
    });
  }
  return received;
}

// ---- OpenAI Responses ----

function readResponses(request: RecordedRequest): ReceivedConversation {
  const body = asRecord(request.body);
  const received: ReceivedConversation = { ...emptyReceived(body), maxTokens: body['max_output_tokens'] };
  const system: string[] = asString(body['instructions']) ? [asString(body['instructions'])!] : [];
  const input = typeof body['input'] === 'string' ? [{ role: 'user', content: body['input'] }] : asArray(body['input']);
  for (const item of input.map(asRecord)) {
    const type = item['type'] ?? 'message';
    if (type === 'function_call') {
      received.toolCalls.push({
        id: asString(item['call_id']),
        name: asString(item['name']) ?? '',
        arguments: parsedArguments(item['arguments']),
      });
    } else if (type === 'function_call_output') {
      received.toolResults.push({
        id: asString(item['call_id']),
        name: undefined,
        text: textOf(item['output'], ['input_text']),
      });
    } else if (type === 'message' && (item['role'] === 'system' || item['role'] === 'developer')) {
      system.push(textOf(item['content'], ['input_text']));
    } else if (type === 'message' && item['role'] === 'user') {
      received.userTexts.push(textOf(item['content'], ['input_text']));
      for (const part of asArray(item['content']).map(asRecord)) {
        const image = part['type'] === 'input_image' ? dataUrlImage(part['image_url']) : undefined;
        if (image) received.images.push(image);
      }
    }
  }
  received.system = system.join('\n');
  for (const tool of asArray(body['tools']).map(asRecord)) {
    if (tool['type'] !== 'function') continue;
    received.tools.push({
      name: asString(tool['name']) ?? '',
      description: asString(tool['description']),
      schema: asRecord(tool['parameters']),
    });
  }
  return received;
}

// ---- Anthropic Messages ----

function readMessages(request: RecordedRequest): ReceivedConversation {
  const body = asRecord(request.body);
  const received: ReceivedConversation = {
    ...emptyReceived(body),
    maxTokens: body['max_tokens'],
    system: textOf(body['system'], ['text']),
  };
  for (const message of asArray(body['messages']).map(asRecord)) {
    const blocks =
      typeof message['content'] === 'string'
        ? [{ type: 'text', text: message['content'] }]
        : asArray(message['content']);
    if (message['role'] === 'assistant') {
      for (const block of blocks.map(asRecord).filter((item) => item['type'] === 'tool_use')) {
        received.toolCalls.push({
          id: asString(block['id']),
          name: asString(block['name']) ?? '',
          arguments: block['input'],
        });
      }
      continue;
    }
    const text = textOf(blocks, ['text']);
    if (text !== '') received.userTexts.push(text);
    for (const block of blocks.map(asRecord)) {
      const source = asRecord(block['source']);
      if (block['type'] === 'image' && source['type'] === 'base64') {
        received.images.push({ mimeType: asString(source['media_type']) ?? '', data: asString(source['data']) ?? '' });
      }
      if (block['type'] === 'tool_result') {
        received.toolResults.push({
          id: asString(block['tool_use_id']),
          name: undefined,
          text: textOf(block['content'], ['text']),
        });
      }
    }
  }
  for (const tool of asArray(body['tools']).map(asRecord)) {
    received.tools.push({
      name: asString(tool['name']) ?? '',
      description: asString(tool['description']),
      schema: asRecord(tool['input_schema']),
    });
  }
  return received;
}

// ---- Gemini ----

const GEMINI_PATH = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent)/;

/** A function response is `{result: text}` (or any object, sent as its JSON). */
function functionResponseText(response: unknown): string {
  const body = asRecord(response);
  const keys = Object.keys(body);
  if (keys.length === 1 && typeof body['result'] === 'string') return body['result'];
  return JSON.stringify(body);
}

function readGemini(request: RecordedRequest): ReceivedConversation {
  const body = asRecord(request.body);
  const route = GEMINI_PATH.exec(request.path);
  const generation = asRecord(body['generationConfig']);
  const received: ReceivedConversation = {
    ...emptyReceived(body),
    model: route ? decodeURIComponent(route[1] ?? '') : undefined,
    streaming: route?.[2] === 'streamGenerateContent',
    maxTokens: generation['maxOutputTokens'],
    temperature: generation['temperature'],
  };
  received.system = asArray(asRecord(body['systemInstruction'])['parts'])
    .map((part) => asString(asRecord(part)['text']) ?? '')
    .join('\n');
  for (const content of asArray(body['contents']).map(asRecord)) {
    const parts = asArray(content['parts']).map(asRecord);
    const texts = parts
      .filter((part) => typeof part['text'] === 'string' && part['thought'] !== true)
      .map((part) => part['text'] as string);
    if (content['role'] !== 'model' && texts.length > 0) received.userTexts.push(texts.join(''));
    for (const part of parts) {
      const inline = asRecord(part['inlineData']);
      if (part['inlineData'] !== undefined)
        received.images.push({ mimeType: asString(inline['mimeType']) ?? '', data: asString(inline['data']) ?? '' });
      const call = asRecord(part['functionCall']);
      if (part['functionCall'] !== undefined)
        received.toolCalls.push({
          id: asString(call['id']),
          name: asString(call['name']) ?? '',
          arguments: call['args'],
        });
      const result = asRecord(part['functionResponse']);
      if (part['functionResponse'] !== undefined) {
        received.toolResults.push({
          id: asString(result['id']),
          name: asString(result['name']),
          text: functionResponseText(result['response']),
        });
      }
    }
  }
  for (const declaration of asArray(body['tools'])
    .flatMap((tool) => asArray(asRecord(tool)['functionDeclarations']))
    .map(asRecord)) {
    const schema = declaration['parametersJsonSchema'] ?? declaration['parameters'];
    received.tools.push({
      name: asString(declaration['name']) ?? '',
      description: asString(declaration['description']),
      schema: schema === undefined ? undefined : asRecord(schema),
    });
  }
  return received;
}

export const PROVIDER_FORMATS: Record<WireFormat, ProviderFormat> = {
  chat: {
    format: 'chat',
    model: 'chat-upstream-model',
    apiBaseUrl: (url) => ({ chat: `${url}/v1` }),
    path: () => '/v1/chat/completions',
    authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
    linksResultsBy: 'id',
    read: readChat,
    replies: chatReplies,
  },
  responses: {
    format: 'responses',
    model: 'responses-upstream-model',
    apiBaseUrl: (url) => ({ responses: `${url}/v1` }),
    path: () => '/v1/responses',
    authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
    linksResultsBy: 'id',
    read: readResponses,
    replies: responsesReplies,
  },
  messages: {
    format: 'messages',
    model: 'claude-upstream-model',
    apiBaseUrl: (url) => ({ messages: url }),
    path: () => '/v1/messages',
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }),
    linksResultsBy: 'id',
    read: readMessages,
    replies: messagesReplies,
  },
  gemini: {
    format: 'gemini',
    model: 'gemini-upstream-model',
    apiBaseUrl: (url) => ({ gemini: `${url}/v1beta` }),
    path: (stream) =>
      `/v1beta/models/gemini-upstream-model:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    authHeaders: (apiKey) => ({ 'x-goog-api-key': apiKey }),
    linksResultsBy: 'name',
    read: readGemini,
    replies: geminiReplies,
  },
};
