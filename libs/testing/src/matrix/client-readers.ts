import { asArray, asRecord, asString, emptyAnswer, isRecord, parseJsonOr, type ClientAnswer } from './conversation';
import { jsonEvents, type SseEvent } from './sse';

/**
 * What each client format got back, read from a whole JSON body or reassembled from its
 * stream the way an SDK would: text deltas joined, tool-call arguments concatenated and
 * parsed, the last usage seen, in-stream errors collected.
 */
export interface ClientReader {
  body(body: unknown): ClientAnswer;
  stream(events: SseEvent[]): ClientAnswer;
}

interface CallBuilder {
  id: string | undefined;
  name: string;
  json: string;
}

function finishCalls(calls: Iterable<CallBuilder>): ClientAnswer['toolCalls'] {
  return [...calls].map((call) => ({ id: call.id, name: call.name, arguments: parseJsonOr(call.json) }));
}

// ---- OpenAI Chat Completions ----

export const chatReader: ClientReader = {
  body(body) {
    const choice = asRecord(asArray(asRecord(body)['choices'])[0]);
    const message = asRecord(choice['message']);
    return {
      ...emptyAnswer(),
      text: asString(message['content']) ?? '',
      toolCalls: asArray(message['tool_calls']).map((item) => {
        const call = asRecord(item);
        const fn = asRecord(call['function']);
        return {
          id: asString(call['id']),
          name: asString(fn['name']) ?? '',
          arguments: parseJsonOr(asString(fn['arguments'])),
        };
      }),
      finish: asString(choice['finish_reason']),
      usage: isRecord(asRecord(body)['usage']) ? asRecord(asRecord(body)['usage']) : undefined,
      completed: true,
    };
  },
  stream(events) {
    const answer = emptyAnswer();
    const calls = new Map<number, CallBuilder>();
    for (const { json } of jsonEvents(events)) {
      const chunk = asRecord(json);
      if (chunk['error'] !== undefined) answer.errors.push(chunk['error']);
      if (isRecord(chunk['usage'])) answer.usage = chunk['usage'];
      for (const choice of asArray(chunk['choices']).map(asRecord)) {
        const delta = asRecord(choice['delta']);
        answer.text += asString(delta['content']) ?? '';
        for (const item of asArray(delta['tool_calls']).map(asRecord)) {
          const index = typeof item['index'] === 'number' ? item['index'] : 0;
          const call = calls.get(index) ?? { id: undefined, name: '', json: '' };
          const fn = asRecord(item['function']);
          call.id ??= asString(item['id']);
          call.name += asString(fn['name']) ?? '';
          call.json += asString(fn['arguments']) ?? '';
          calls.set(index, call);
        }
        const finish = asString(choice['finish_reason']);
        if (finish) {
          answer.finish = finish;
          answer.completed = true;
        }
      }
    }
    answer.toolCalls = finishCalls(calls.values());
    return answer;
  },
};

// ---- OpenAI Responses ----

function readResponseObject(response: Record<string, unknown>): ClientAnswer {
  const answer = emptyAnswer();
  for (const item of asArray(response['output']).map(asRecord)) {
    if (item['type'] === 'message') {
      for (const part of asArray(item['content']).map(asRecord))
        if (part['type'] === 'output_text') answer.text += asString(part['text']) ?? '';
    }
    if (item['type'] === 'function_call') {
      answer.toolCalls.push({
        id: asString(item['call_id']),
        name: asString(item['name']) ?? '',
        arguments: parseJsonOr(asString(item['arguments'])),
      });
    }
  }
  answer.id = asString(response['id']);
  answer.finish = asString(response['status']);
  answer.usage = isRecord(response['usage']) ? response['usage'] : undefined;
  return answer;
}

export const responsesReader: ClientReader = {
  body: (body) => ({ ...readResponseObject(asRecord(body)), completed: true }),
  stream(events) {
    const answer = emptyAnswer();
    /** Function calls by output index: arguments from the deltas, else from the `.done` events. */
    const calls = new Map<number, CallBuilder & { done: string | undefined }>();
    for (const { event: name, json } of jsonEvents(events)) {
      const event = asRecord(json);
      const type = asString(event['type']) ?? name ?? '';
      const index = typeof event['output_index'] === 'number' ? event['output_index'] : -1;
      const item = asRecord(event['item']);
      switch (type) {
        case 'response.output_text.delta':
          answer.text += asString(event['delta']) ?? '';
          break;
        case 'response.output_item.added':
        case 'response.output_item.done':
          if (item['type'] === 'function_call') {
            const call = calls.get(index) ?? { id: undefined, name: '', json: '', done: undefined };
            call.id ??= asString(item['call_id']);
            call.name ||= asString(item['name']) ?? '';
            if (type === 'response.output_item.added') call.json += asString(item['arguments']) ?? '';
            else call.done = asString(item['arguments']);
            calls.set(index, call);
          }
          break;
        case 'response.function_call_arguments.delta': {
          const call = calls.get(index);
          if (call) call.json += asString(event['delta']) ?? '';
          break;
        }
        case 'response.completed':
        case 'response.incomplete': {
          const final = readResponseObject(asRecord(event['response']));
          answer.id = final.id;
          answer.finish = final.finish;
          answer.usage = final.usage;
          answer.completed = true;
          break;
        }
        case 'response.failed':
          answer.errors.push(asRecord(event['response'])['error'] ?? event);
          break;
        case 'error':
          answer.errors.push(event);
          break;
      }
    }
    answer.toolCalls = finishCalls(
      [...calls.values()].map((call) => ({ ...call, json: call.json || (call.done ?? '') })),
    );
    return answer;
  },
};

// ---- Anthropic Messages ----

export const messagesReader: ClientReader = {
  body(body) {
    const message = asRecord(body);
    const answer: ClientAnswer = { ...emptyAnswer(), finish: asString(message['stop_reason']), completed: true };
    for (const block of asArray(message['content']).map(asRecord)) {
      if (block['type'] === 'text') answer.text += asString(block['text']) ?? '';
      if (block['type'] === 'tool_use')
        answer.toolCalls.push({
          id: asString(block['id']),
          name: asString(block['name']) ?? '',
          arguments: block['input'],
        });
    }
    answer.usage = isRecord(message['usage']) ? message['usage'] : undefined;
    return answer;
  },
  stream(events) {
    const answer = emptyAnswer();
    const calls = new Map<number, CallBuilder>();
    let usage: Record<string, unknown> = {};
    for (const { event: name, json } of jsonEvents(events)) {
      const event = asRecord(json);
      const index = typeof event['index'] === 'number' ? event['index'] : -1;
      switch (asString(event['type']) ?? name ?? '') {
        case 'message_start':
          usage = { ...asRecord(asRecord(event['message'])['usage']) };
          break;
        case 'content_block_start': {
          const block = asRecord(event['content_block']);
          if (block['type'] === 'text') answer.text += asString(block['text']) ?? '';
          if (block['type'] === 'tool_use')
            calls.set(index, { id: asString(block['id']), name: asString(block['name']) ?? '', json: '' });
          break;
        }
        case 'content_block_delta': {
          const delta = asRecord(event['delta']);
          if (delta['type'] === 'text_delta') answer.text += asString(delta['text']) ?? '';
          const call = calls.get(index);
          if (delta['type'] === 'input_json_delta' && call) call.json += asString(delta['partial_json']) ?? '';
          break;
        }
        case 'message_delta': {
          answer.finish = asString(asRecord(event['delta'])['stop_reason']) ?? answer.finish;
          // Cumulative: fields sent (non-null) replace what message_start reported.
          const delta = Object.entries(asRecord(event['usage'])).filter(([, value]) => value !== null);
          usage = { ...usage, ...Object.fromEntries(delta) };
          break;
        }
        case 'message_stop':
          answer.completed = true;
          break;
        case 'error':
          answer.errors.push(event['error'] ?? event);
          break;
      }
    }
    answer.usage = Object.keys(usage).length > 0 ? usage : undefined;
    answer.toolCalls = finishCalls(calls.values());
    return answer;
  },
};

// ---- Gemini ----

function readGeminiChunk(answer: ClientAnswer, chunk: Record<string, unknown>): void {
  const candidate = asRecord(asArray(chunk['candidates'])[0]);
  for (const part of asArray(asRecord(candidate['content'])['parts']).map(asRecord)) {
    if (typeof part['text'] === 'string' && part['thought'] !== true) answer.text += part['text'];
    const call = asRecord(part['functionCall']);
    if (part['functionCall'] !== undefined)
      answer.toolCalls.push({ id: asString(call['id']), name: asString(call['name']) ?? '', arguments: call['args'] });
  }
  const finish = asString(candidate['finishReason']);
  if (finish) {
    answer.finish = finish;
    answer.completed = true;
  }
  if (isRecord(chunk['usageMetadata'])) answer.usage = chunk['usageMetadata'];
}

export const geminiReader: ClientReader = {
  body(body) {
    const answer = emptyAnswer();
    readGeminiChunk(answer, asRecord(body));
    return answer;
  },
  stream(events) {
    const answer = emptyAnswer();
    for (const { json } of jsonEvents(events)) {
      const chunk = asRecord(json);
      if (chunk['error'] !== undefined) answer.errors.push(chunk['error']);
      else readGeminiChunk(answer, chunk);
    }
    return answer;
  },
};
