import { Readable } from 'node:stream';
import { SseRelay } from './sse-relay';
import type { JsonRpcId, JsonRpcMessage } from './jsonrpc';

async function relay(chunks: string[], pending: JsonRpcId[], rewrite = (m: JsonRpcMessage) => m): Promise<string> {
  const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(
    new SseRelay({ pending: new Set(pending), rewrite }),
  );
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('SseRelay', () => {
  it('passes events through as they came, even split across chunks, and priming events without data', async () => {
    const events = 'id: 1\ndata: \n\nevent: message\nid: 2\ndata: {"jsonrpc":"2.0","id":7,"result":{}}\n\n';
    expect(await relay([events.slice(0, 20), events.slice(20)], [7])).toBe(events);
  });

  it('rewrites only the messages rewrite changes', async () => {
    const out = await relay(
      ['event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a"},{"name":"b"}]}}\n\n'],
      [1],
      (message) => (message.id === 1 ? { ...message, result: { tools: [{ name: 'a' }] } } : message),
    );
    expect(out).toBe('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a"}]}}\n\n');
  });

  it('answers a request left without its response when the stream ends with a JSON-RPC error', async () => {
    const out = await relay(['data: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n'], [3]);
    const last = out.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.replace(/^event: message\ndata: /, ''))).toMatchObject({
      id: 3,
      error: { code: -32001, data: { type: 'upstream_error' } },
    });
  });
});
