import { Injectable } from '@nestjs/common';
import type { CanonicalChunk, CanonicalRequest, ImagePart } from '@plexus/core';
import { ImageFetchRefusedError, SafeImageFetcher } from '@plexus/providers';
import { RoutingSettings, VisionDescriptorCache } from '@plexus/routing';
import { createHash, randomUUID } from 'node:crypto';
import { lastValueFrom, reduce, type Observable } from 'rxjs';
import type { RequestContext } from '../pipeline/request-context';
import { UpstreamTiming } from '../pipeline/upstream-timing';
import { imagesOf, replaceImages } from './image-capability';
import type { ShapingRecord } from './shaping-record';

/** Runs a request through the gateway's own pipeline (routing, failover, usage) and gives its answer. */
export type DescriptorDispatch = (request: CanonicalRequest, context: RequestContext) => Observable<CanonicalChunk>;

const DATA_URL = /^data:([^;,]+)?(;base64)?,(.*)$/s;
const EMPTY_DESCRIPTION = 'No description available.';

interface InlineImage {
  mediaType: string;
  /** Base64. */
  data: string;
}

/** The answer's text, from a whole message or from stream deltas. */
function answerText(chunks$: Observable<CanonicalChunk>): Promise<string> {
  return lastValueFrom(
    chunks$.pipe(
      reduce((text, chunk) => {
        if (chunk.type === 'block_delta' && chunk.delta.kind === 'text') return text + chunk.delta.text;
        if (chunk.type === 'message')
          return text + chunk.response.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        return text;
      }, ''),
    ),
  );
}

/** A descriptor call's own context: its own request id and usage row, linked to the request it serves. */
function descriptorContext(parent: RequestContext): RequestContext {
  return {
    requestId: randomUUID(),
    clientRequestId: null,
    sourceIp: parent.sourceIp,
    principal: parent.principal,
    format: 'chat',
    startTime: new Date(),
    startedAt: performance.now(),
    upstream: new UpstreamTiming(),
    parentRequestId: parent.requestId,
  };
}

/**
 * Vision fallthrough: every image of a request is described by the global descriptor
 * model (concurrently, through the gateway's own routing and failover, each call its own
 * usage row linked to the request) and replaced in place by `[Image Description: ...]`.
 * An image that can't be described (refused URL, failed descriptor) stays as sent: the
 * request goes on, and the record says why.
 */
@Injectable()
export class VisionFallthroughService {
  /** Descriptions being made, so one image sent twice at once is described once. */
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly settings: RoutingSettings,
    private readonly cache: VisionDescriptorCache,
    private readonly fetcher: SafeImageFetcher,
  ) {}

  /** The descriptor model, or null when none is configured (fallthrough is then off). */
  get descriptorModel(): string | null {
    return this.settings.current.visionFallthrough.descriptor_model || null;
  }

  async describeImages(params: {
    request: CanonicalRequest;
    context: RequestContext;
    dispatch: DescriptorDispatch;
  }): Promise<{ request: CanonicalRequest; record: NonNullable<ShapingRecord['visionFallthrough']> }> {
    const { request, context, dispatch } = params;
    const { descriptor_model: model, default_prompt: prompt } = this.settings.current.visionFallthrough;
    if (!model) throw new Error('vision fallthrough has no descriptor model');
    const images = imagesOf(request);
    const errors: string[] = [];
    const descriptions = await Promise.all(
      images.map((image) =>
        this.describe({ image, model, prompt, context, dispatch }).catch((error: unknown) => {
          errors.push((error as Error).message);
          return null;
        }),
      ),
    );
    const described = new Map(images.map((image, index) => [image, descriptions[index]]));
    const rewritten = replaceImages(request, (image) => {
      const description = described.get(image);
      return description == null ? null : { type: 'text', text: `[Image Description: ${description}]` };
    });
    return {
      request: rewritten,
      record: {
        descriptorModel: model,
        described: descriptions.filter((description) => description !== null).length,
        error: errors.length > 0 ? [...new Set(errors)].join('; ') : null,
      },
    };
  }

  private async describe(params: {
    image: ImagePart;
    model: string;
    prompt: string;
    context: RequestContext;
    dispatch: DescriptorDispatch;
  }): Promise<string> {
    const inline = await this.inline(params.image);
    const hash = createHash('sha256').update(inline.data).digest('hex');
    const key = VisionDescriptorCache.key(params.model, hash);
    const cached = await this.cache.get(key);
    if (cached !== null) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.callDescriptor({ ...params, inline }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const description = await pending;
    await this.cache.set(key, description);
    return description;
  }

  private async callDescriptor(params: {
    inline: InlineImage;
    model: string;
    prompt: string;
    context: RequestContext;
    dispatch: DescriptorDispatch;
  }): Promise<string> {
    const request: CanonicalRequest = {
      model: params.model,
      instructions: [],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: params.inline.mediaType, data: params.inline.data } },
            { type: 'text', text: params.prompt },
          ],
        },
      ],
      tools: [],
      sampling: {},
      stream: false,
      streamUsage: false,
      extensions: {},
    };
    let text: string;
    try {
      text = await answerText(params.dispatch(request, descriptorContext(params.context)));
    } catch (error) {
      throw new Error(`the descriptor model '${params.model}' failed: ${(error as Error).message}`, { cause: error });
    }
    return text.trim() || EMPTY_DESCRIPTION;
  }

  /** The image's bytes as base64: inline already, a data URL, or fetched from its http(s) URL under the fetch rules. */
  private async inline(image: ImagePart): Promise<InlineImage> {
    const { source } = image;
    switch (source.kind) {
      case 'base64':
        return { mediaType: source.mediaType, data: source.data };
      case 'file':
        throw new Error(`image file '${source.fileId}' is a provider file reference, which can't be described`);
      case 'url': {
        const data = DATA_URL.exec(source.url);
        if (data) {
          const base64 = data[2] ? data[3] : Buffer.from(decodeURIComponent(data[3])).toString('base64');
          return { mediaType: data[1] ?? 'image/png', data: base64 };
        }
        try {
          const fetched = await this.fetcher.fetch(source.url);
          return { mediaType: fetched.mediaType, data: fetched.data.toString('base64') };
        } catch (error) {
          const reason = error instanceof ImageFetchRefusedError ? error.message : String(error);
          throw new Error(`image URL refused: ${reason}`, { cause: error });
        }
      }
    }
  }
}
