import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress, testHostsPolicy } from './image-address-policy';
import { ImageFetchRefusedError, SafeImageFetcher } from './safe-image-fetcher';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

interface TestServer {
  server: Server;
  port: number;
  connections: number;
}

async function serve(handler: (path: string, response: ServerResponse) => void): Promise<TestServer> {
  const server = createServer((request, response) => handler(request.url ?? '/', response));
  const state: TestServer = { server, port: 0, connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    'ff02::1',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});

describe('SafeImageFetcher', () => {
  let target: TestServer;
  let images: TestServer;
  const fetchers: SafeImageFetcher[] = [];
  const fetcher = (hosts: string, limits = { maxBytes: 4096, timeoutMs: 5000, maxRedirects: 3 }): SafeImageFetcher => {
    const created = new SafeImageFetcher(testHostsPolicy(hosts), limits);
    fetchers.push(created);
    return created;
  };

  beforeAll(async () => {
    // What an attacker would like to reach: it must never see a connection.
    target = await serve((_path, response) => response.end('secret'));
    images = await serve((path, response) => {
      if (path === '/cat.png') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.end(PNG);
      } else if (path === '/to-private') {
        response.writeHead(302, { location: `http://127.0.0.1:${target.port}/` });
        response.end();
      } else if (path === '/to-metadata') {
        response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' });
        response.end();
      } else if (path.startsWith('/loop')) {
        response.writeHead(302, { location: `/loop${path.length}` });
        response.end();
      } else if (path === '/declared-huge') {
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(50 * 1024 * 1024) });
        response.flushHeaders();
      } else if (path === '/streamed-huge') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.write(Buffer.alloc(3000));
        response.end(Buffer.alloc(3000));
      } else {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html></html>');
      }
    });
  });

  afterAll(async () => {
    await Promise.all(fetchers.map((created) => created.onApplicationShutdown()));
    for (const server of [target, images]) {
      server.server.closeAllConnections();
      await new Promise((resolve) => server.server.close(resolve));
    }
  });

  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ImageFetchRefusedError);
    return (error as Error).message;
  };

  it('fetches an image from an allowed host', async () => {
    const image = await fetcher(`images.test=127.0.0.1`).fetch(`http://images.test:${images.port}/cat.png`);
    expect(image.mediaType).toBe('image/png');
    expect(image.data.equals(PNG)).toBe(true);
  });

  it('refuses loopback, metadata and other schemes without connecting', async () => {
    const guarded = fetcher('');
    expect(await refusal(guarded.fetch(`http://127.0.0.1:${target.port}/`))).toMatch(/not public/);
    expect(await refusal(guarded.fetch(`http://localhost:${target.port}/`))).toMatch(/not public/);
    expect(await refusal(guarded.fetch(`http://[::ffff:127.0.0.1]:${target.port}/`))).toMatch(/not public/);
    expect(await refusal(guarded.fetch('http://169.254.169.254/latest/meta-data/'))).toMatch(/not public/);
    expect(await refusal(guarded.fetch('file:///etc/passwd'))).toMatch(/file scheme/);
    expect(target.connections).toBe(0);
  });

  it('checks every redirect: one to a private or metadata address is refused without connecting', async () => {
    const guarded = fetcher('images.test=127.0.0.1');
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/to-private`))).toMatch(/not public/);
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/to-metadata`))).toMatch(/169\.254/);
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/loop`))).toMatch(/more than 3 redirects/);
    expect(target.connections).toBe(0);
  });

  it('refuses bodies over the size limit, declared or streamed, and answers that are not images', async () => {
    const guarded = fetcher('images.test=127.0.0.1');
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/declared-huge`))).toMatch(/larger than/);
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/streamed-huge`))).toMatch(/larger than/);
    expect(await refusal(guarded.fetch(`http://images.test:${images.port}/page`))).toMatch(/text\/html, not an image/);
  });
});
