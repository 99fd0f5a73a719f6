import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  GatewayException,
  ResponseAccumulator,
  type CanonicalRequest,
  type ProviderProbe,
  type ProviderProbeOutcome,
  type ProviderTooling,
  type UpstreamEndpoint,
  type UpstreamModelInfo,
} from '@plexus/core';
import { lastValueFrom, tap } from 'rxjs';
import { ProviderAdapterRegistry } from '../provider-adapter.registry';
import type { UpstreamTarget } from '../provider-adapter';
import { upstreamHttpError, upstreamTransportError } from '../upstream-error';
import { UpstreamHttpClient } from '../upstream-http.client';
import { MODEL_LISTINGS } from './model-listing';

const MAX_LISTING_BYTES = 8 * 1024 * 1024;
const MAX_PROBE_TEXT = 2000;

/** The management API's provider tools, done by the adapters and their HTTP client. */
@Injectable()
export class AdapterProviderTooling implements ProviderTooling {
  constructor(
    private readonly registry: ProviderAdapterRegistry,
    private readonly http: UpstreamHttpClient,
  ) {}

  async listModels(endpoint: UpstreamEndpoint): Promise<UpstreamModelInfo[]> {
    const listing = MODEL_LISTINGS[endpoint.apiType];
    const target = targetOf(endpoint, 'models');
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await this.http.get({
        url: listing.url(endpoint),
        headers: { accept: 'application/json', ...listing.authHeaders(endpoint.apiKey), ...endpoint.headers },
        signal: AbortSignal.timeout(endpoint.timeoutMs),
        timeoutMs: endpoint.timeoutMs,
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      throw upstreamTransportError(target, error);
    }
    if (status >= 400) throw upstreamHttpError(target, status, text, headers);
    let body: unknown;
    try {
      body = text.length > MAX_LISTING_BYTES ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const models = listing.decode(body);
    if (!models) {
      throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
        message: `The upstream's answer is not a ${endpoint.apiType} model list`,
      });
    }
    return models;
  }

  async probe(probe: ProviderProbe): Promise<ProviderProbeOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const adapter = this.registry.get(probe.apiType);
    if (!adapter)
      return { success: false, durationMs: 0, apiType: probe.apiType, error: `No adapter speaks ${probe.apiType}` };
    const accumulator = new ResponseAccumulator();
    try {
      await lastValueFrom(
        adapter
          .execute({
            request: probeRequest(probe.model),
            target: { ...targetOf(probe, probe.model), provider: probe.provider, extraBody: probe.extraBody },
          })
          .pipe(
            tap((chunk) => {
              if (chunk.type === 'error')
                throw new GatewayException(chunk.error.code, { message: chunk.error.message });
              accumulator.push(chunk);
            }),
          ),
        { defaultValue: undefined },
      );
      const result = accumulator.result();
      const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
      return {
        success: true,
        durationMs: elapsed(),
        apiType: probe.apiType,
        response: text.slice(0, MAX_PROBE_TEXT),
        finishReason: result.finishReason,
        ...(result.model && { upstreamModel: result.model }),
        ...(result.usage && { usage: result.usage }),
      };
    } catch (error) {
      const status = error instanceof GatewayException ? error.body.upstream?.status : undefined;
      return {
        success: false,
        durationMs: elapsed(),
        apiType: probe.apiType,
        error: (error as Error).message,
        ...(status !== undefined && { httpStatus: status }),
      };
    }
  }
}

function targetOf(endpoint: UpstreamEndpoint, model: string): UpstreamTarget {
  return {
    provider: 'upstream',
    model,
    baseUrl: endpoint.baseUrl,
    apiKey: endpoint.apiKey,
    headers: endpoint.headers,
    extraBody: {},
    timeoutMs: endpoint.timeoutMs,
  };
}

/** The smallest useful request: one short user turn, a few output tokens, no stream. */
function probeRequest(model: string): CanonicalRequest {
  return {
    model,
    instructions: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with one short greeting.' }] }],
    tools: [],
    sampling: { maxOutputTokens: 32 },
    stream: false,
    streamUsage: false,
    extensions: {},
  };
}
