import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { LookupFunction } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { PUBLIC_ADDRESSES_ONLY, type ImageAddressPolicy } from './image-address-policy';

export const IMAGE_ADDRESS_POLICY = Symbol('IMAGE_ADDRESS_POLICY');
export const IMAGE_FETCH_LIMITS = Symbol('IMAGE_FETCH_LIMITS');

export interface FetchedImage {
  mediaType: string;
  data: Buffer;
}

export interface ImageFetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_IMAGE_FETCH_LIMITS: ImageFetchLimits = {
  maxBytes: 20 * 1024 * 1024,
  timeoutMs: 15_000,
  maxRedirects: 3,
};

/** An image URL the fetcher would not (or could not) fetch; the message says why. */
export class ImageFetchRefusedError extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Drops a body not read to its end (its abort error is expected, not a failure). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.once('error', () => undefined);
  body.destroy();
}

/**
 * Fetches images named by URL in client requests without letting a client reach what
 * the gateway can: http(s) only; every host name resolved and every address it resolves
 * to checked (public addresses only), before the request and again at connect time
 * (so a name can't change its answer in between); redirects followed by hand, each
 * checked the same way, at most `maxRedirects`; an image content type; at most
 * `maxBytes`, within `timeoutMs`.
 */
@Injectable()
export class SafeImageFetcher implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    @Optional() @Inject(IMAGE_ADDRESS_POLICY) private readonly policy: ImageAddressPolicy = PUBLIC_ADDRESSES_ONLY,
    @Optional() @Inject(IMAGE_FETCH_LIMITS) private readonly limits: ImageFetchLimits = DEFAULT_IMAGE_FETCH_LIMITS,
  ) {
    this.agent = new Agent({ connect: { timeout: 10_000, lookup: this.checkedLookup }, connections: 16 });
  }

  async fetch(url: string): Promise<FetchedImage> {
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const target = await this.checkedUrl(current);
      let response: Dispatcher.ResponseData;
      try {
        response = await request(target, { method: 'GET', dispatcher: this.agent, signal });
      } catch (error) {
        if (error instanceof ImageFetchRefusedError) throw error;
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof ImageFetchRefusedError) throw cause;
        throw new ImageFetchRefusedError(`could not fetch the image: ${(error as Error).message}`);
      }
      const location = response.headers['location'];
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        discard(response.body);
        if (redirects >= this.limits.maxRedirects)
          throw new ImageFetchRefusedError(`more than ${this.limits.maxRedirects} redirects`);
        current = new URL(location, target).toString();
        continue;
      }
      return this.readImage(response, signal);
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.agent.close();
  }

  /** The URL, if its scheme is http(s) and every address its host resolves to may be reached. */
  private async checkedUrl(url: string): Promise<URL> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ImageFetchRefusedError('not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new ImageFetchRefusedError(`the ${parsed.protocol.replace(/:$/, '')} scheme is not fetched`);
    if (parsed.username || parsed.password) throw new ImageFetchRefusedError('URLs with credentials are not fetched');
    const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
    await this.checkedAddresses(hostname);
    return parsed;
  }

  private async checkedAddresses(hostname: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
    let addresses: Array<{ address: string; family: 4 | 6 }>;
    try {
      addresses = await this.policy.resolve(hostname);
    } catch (error) {
      throw new ImageFetchRefusedError(`cannot resolve ${hostname}: ${(error as Error).message}`);
    }
    if (addresses.length === 0) throw new ImageFetchRefusedError(`${hostname} resolves to no address`);
    const refused = addresses.find((entry) => !this.policy.allows(hostname, entry.address));
    if (refused) throw new ImageFetchRefusedError(`${hostname} resolves to ${refused.address}, which is not public`);
    return addresses;
  }

  /** The connection's own resolution, checked again: the address connected to is one that was allowed. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    this.checkedAddresses(hostname).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };

  private async readImage(response: Dispatcher.ResponseData, signal: AbortSignal): Promise<FetchedImage> {
    const { body, headers, statusCode } = response;
    if (statusCode < 200 || statusCode >= 300) {
      discard(body);
      throw new ImageFetchRefusedError(`the image URL answered ${statusCode}`);
    }
    const contentType = String(headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!contentType.startsWith('image/')) {
      discard(body);
      throw new ImageFetchRefusedError(`the URL answered ${contentType || 'no content type'}, not an image`);
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxBytes) {
      discard(body);
      throw new ImageFetchRefusedError(`the image is larger than ${this.limits.maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > this.limits.maxBytes) {
          discard(body);
          throw new ImageFetchRefusedError(`the image is larger than ${this.limits.maxBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof ImageFetchRefusedError) throw error;
      throw new ImageFetchRefusedError(
        signal.aborted ? 'the image took too long to fetch' : `could not read the image: ${(error as Error).message}`,
      );
    }
    return { mediaType: contentType, data: Buffer.concat(chunks) };
  }
}
