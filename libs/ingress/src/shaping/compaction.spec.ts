import type { CanonicalRequest } from '@plexus/core';
import { DEFAULT_ROUTING_SETTINGS } from '@plexus/routing';
import { compactRequest, compactionThreshold, layeredCompaction } from './compaction';
import { reservedOutputTokens, tokenizerOf } from './context-limits';

const settings = {
  ...DEFAULT_ROUTING_SETTINGS.compaction,
  enabled: true,
  protectRecent: 2,
  native: { maxArrayItems: 3, maxStringChars: 20 },
};

function request(messages: CanonicalRequest['messages']): CanonicalRequest {
  return {
    model: 'm',
    instructions: [{ role: 'system', text: 'system prompt '.repeat(10) }],
    messages,
    tools: [],
    sampling: {},
    stream: false,
    streamUsage: false,
    extensions: {},
  };
}

describe('compactRequest', () => {
  const long = 'x'.repeat(100);
  const json = JSON.stringify({ rows: [1, 2, 3, 4, 5, 6], note: long });

  it('cuts long strings and arrays of older turns, keeping JSON valid, the instructions and recent turns whole', () => {
    const original = request([
      { role: 'user', content: [{ type: 'text', text: long }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'read', arguments: json }] },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text: json }] }] },
      { role: 'assistant', content: [{ type: 'text', text: long }] },
      { role: 'user', content: [{ type: 'text', text: long }] },
    ]);
    const compacted = compactRequest(original, settings);
    expect(compacted.instructions).toEqual(original.instructions);
    expect(compacted.messages.slice(3)).toEqual(original.messages.slice(3));
    expect(compacted.messages[0].content[0]).toMatchObject({ type: 'text' });
    expect((compacted.messages[0].content[0] as { text: string }).text).toMatch(
      /^x{20}\n\[\.\.\. 80 characters compacted]$/,
    );
    const call = compacted.messages[1].content[0] as { arguments: string; id: string };
    expect(call.id).toBe('c1');
    expect(JSON.parse(call.arguments)).toEqual({
      rows: [1, 2, 3, '[... 3 more items compacted]'],
      note: `${'x'.repeat(20)}\n[... 80 characters compacted]`,
    });
    const result = compacted.messages[2].content[0] as { toolCallId: string; content: Array<{ text: string }> };
    expect(result.toolCallId).toBe('c1');
    expect(JSON.parse(result.content[0].text)).toMatchObject({ rows: [1, 2, 3, '[... 3 more items compacted]'] });
  });

  it('never protects a tool result without the call it answers', () => {
    const original = request([
      { role: 'user', content: [{ type: 'text', text: long }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'read', arguments: json }] },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: 'c1', content: [{ type: 'text', text: long }] }] },
      { role: 'assistant', content: [{ type: 'text', text: long }] },
    ]);
    const compacted = compactRequest(original, settings);
    // The last two turns start at the tool result: its call is protected with it.
    expect(compacted.messages.slice(1)).toEqual(original.messages.slice(1));
    expect(compacted.messages[0]).not.toEqual(original.messages[0]);
  });
});

describe('compaction settings and limits', () => {
  it('layers alias over provider over global, native field by field', () => {
    const merged = layeredCompaction(
      DEFAULT_ROUTING_SETTINGS.compaction,
      { enabled: true, native: { maxStringChars: 100 } },
      { triggerRatio: 0.5, native: { maxArrayItems: 7 } },
    );
    expect(merged).toMatchObject({
      enabled: true,
      triggerRatio: 0.5,
      native: { maxStringChars: 100, maxArrayItems: 7 },
    });
  });

  it('triggers at the absolute tokens when set, else at the ratio of a known window', () => {
    expect(compactionThreshold(settings, 10_000)).toBe(8000);
    expect(compactionThreshold(settings, null)).toBeNull();
    expect(compactionThreshold({ ...settings, absoluteTriggerTokens: 500 }, null)).toBe(500);
  });

  it('reserves the smaller of the requested and the model output limit', () => {
    const base = request([]);
    expect(reservedOutputTokens(base, null)).toBe(4096);
    expect(reservedOutputTokens({ ...base, sampling: { maxOutputTokens: 9000 } }, 8192)).toBe(8192);
    expect(reservedOutputTokens({ ...base, sampling: { maxOutputTokens: 100 } }, 8192)).toBe(100);
  });

  it('knows the OpenAI families it has a tokenizer for', () => {
    expect(tokenizerOf('gpt-4o-mini')).toBe('o200k_base');
    expect(tokenizerOf('openai/gpt-4.1')).toBe('o200k_base');
    expect(tokenizerOf('gpt-4-turbo')).toBe('cl100k_base');
    expect(tokenizerOf('claude-sonnet-4')).toBeNull();
  });
});
