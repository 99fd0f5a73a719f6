import { ErrorCode, GatewayException } from '@plexus/core';
import type { FastifyRequest } from 'fastify';
import { multipartForm, requiredFile, requiredFormString, tracedForm } from './media-relay';

async function multipartRequest(form: FormData): Promise<FastifyRequest> {
  const encoded = new Request('http://x', { method: 'POST', body: form });
  return {
    headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
    body: Buffer.from(await encoded.arrayBuffer()),
  } as unknown as FastifyRequest;
}

async function rejection(promise: Promise<unknown>): Promise<GatewayException> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayException);
  return error as GatewayException;
}

function thrown(run: () => unknown): GatewayException {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayException);
    return error as GatewayException;
  }
  throw new Error('expected a GatewayException');
}

describe('media relay helpers', () => {
  it('parses a buffered multipart body into its fields and files', async () => {
    const form = new FormData();
    form.set('model', 'listen');
    form.set('file', new File([new Uint8Array([0, 255, 1])], 'clip.wav', { type: 'audio/wav' }));
    const parsed = await multipartForm(await multipartRequest(form));
    expect(requiredFormString(parsed, 'model')).toBe('listen');
    const file = requiredFile(parsed, ['file'], 10);
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([0, 255, 1]);
    expect(tracedForm(parsed)).toEqual({ model: 'listen', file: '<file clip.wav, 3 bytes, audio/wav>' });
  });

  it('refuses a body that is not multipart, and a garbled one, with a 400', async () => {
    const json = { headers: { 'content-type': 'application/json' }, body: { model: 'x' } } as unknown as FastifyRequest;
    expect((await rejection(multipartForm(json))).code).toBe(ErrorCode.INVALID_REQUEST);
    const garbled = {
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: Buffer.from('not multipart'),
    } as unknown as FastifyRequest;
    expect((await rejection(multipartForm(garbled))).status).toBe(400);
  });

  it('names a missing field or file, and refuses a file over the limit with a 413', () => {
    const form = new FormData();
    form.set('image[]', new File([new Uint8Array(20)], 'big.png'));
    expect(thrown(() => requiredFormString(form, 'prompt')).body).toMatchObject({ param: 'prompt' });
    expect(thrown(() => requiredFile(form, ['mask'], 100)).body).toMatchObject({ param: 'mask' });
    expect(thrown(() => requiredFile(form, ['image', 'image[]'], 10)).status).toBe(413);
    expect(requiredFile(form, ['image', 'image[]'], 100).name).toBe('big.png');
  });
});
