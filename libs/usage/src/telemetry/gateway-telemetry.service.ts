import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type * as OtelApi from '@opentelemetry/api' with { 'resolution-mode': 'import' };
import type { Attributes, Span, TextMapPropagator, Tracer } from '@opentelemetry/api' with {
  'resolution-mode': 'import',
};
import type { UsageRecord } from '../usage-recorder.service';
import { GenAi, operationName, providerName, serverOf } from './gen-ai-attributes';

export interface TelemetryRequest {
  requestId: string;
  format: string;
  alias: string;
  stream: boolean;
  maxOutputTokens?: number;
  /** The client's headers: a W3C `traceparent` makes the request's span its child. */
  headers?: Record<string, string | string[] | undefined>;
}

export interface TelemetryTarget {
  provider: string;
  model: string;
  apiType: string;
  baseUrl: string;
}

/** The request's span and one child span per upstream attempt. */
export interface RequestSpan {
  attemptStarted(target: TelemetryTarget): void;
  attemptFailed(errorType: string, status: number | null): void;
  end(record: UsageRecord, errorType: string | null): void;
}

type Api = typeof OtelApi;

/** Whether the standard OTLP environment asks for traces. */
export function otlpTracesConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env['OTEL_SDK_DISABLED'] === 'true' || env['OTEL_TRACES_EXPORTER'] === 'none') return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT']);
}

/**
 * OpenTelemetry traces with the GenAI semantic conventions, exported over OTLP/HTTP when
 * the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set. Unset, the SDK is never loaded
 * and `startRequest` returns null.
 */
@Injectable()
export class GatewayTelemetry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private api: Api | null = null;
  private tracer: Tracer | null = null;
  private propagator: TextMapPropagator | null = null;
  private provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | null = null;

  async onModuleInit(): Promise<void> {
    if (!otlpTracesConfigured(process.env)) return;
    const [api, core, sdk, exporter, resources] = await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/core'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    const delay = Number(process.env['OTEL_BSP_SCHEDULE_DELAY']);
    const provider = new sdk.TracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': process.env['OTEL_SERVICE_NAME'] || 'plexus' }),
      spanProcessors: [
        new sdk.BatchSpanProcessor({
          exporter: new exporter.OTLPTraceExporter(),
          ...(Number.isFinite(delay) && delay > 0 && { scheduledDelayMillis: delay }),
        }),
      ],
    });
    this.api = api;
    this.propagator = new core.W3CTraceContextPropagator();
    this.provider = provider;
    this.tracer = provider.getTracer('plexus');
    this.logger.log('exporting traces over OTLP/HTTP');
  }

  get enabled(): boolean {
    return this.tracer !== null;
  }

  startRequest(request: TelemetryRequest): RequestSpan | null {
    const { tracer, api } = this;
    if (!tracer || !api) return null;
    const operation = operationName(request.format);
    const caller =
      request.headers && this.propagator
        ? this.propagator.extract(api.ROOT_CONTEXT, request.headers, api.defaultTextMapGetter)
        : api.ROOT_CONTEXT;
    const root = tracer.startSpan(
      `${operation} ${request.alias}`,
      {
        kind: api.SpanKind.SERVER,
        attributes: {
          [GenAi.OPERATION_NAME]: operation,
          [GenAi.REQUEST_MODEL]: request.alias,
          'plexus.request_id': request.requestId,
          'plexus.incoming_api_type': request.format,
          'plexus.stream': request.stream,
          ...(request.maxOutputTokens !== undefined && { [GenAi.REQUEST_MAX_TOKENS]: request.maxOutputTokens }),
        },
      },
      caller,
    );
    const parent = api.trace.setSpan(api.ROOT_CONTEXT, root);
    let attempt: Span | null = null;

    return {
      attemptStarted: (target) => {
        const server = serverOf(target.baseUrl);
        const attributes: Attributes = {
          [GenAi.OPERATION_NAME]: operationName(target.apiType),
          [GenAi.PROVIDER_NAME]: providerName(target.apiType),
          [GenAi.SYSTEM]: providerName(target.apiType),
          [GenAi.REQUEST_MODEL]: target.model,
          'plexus.provider': target.provider,
          ...(server && { [GenAi.SERVER_ADDRESS]: server.address, [GenAi.SERVER_PORT]: server.port }),
        };
        attempt = tracer.startSpan(
          `${operationName(target.apiType)} ${target.model}`,
          { kind: api.SpanKind.CLIENT, attributes },
          parent,
        );
      },
      attemptFailed: (errorType, status) => {
        if (!attempt) return;
        attempt.setAttribute(GenAi.ERROR_TYPE, errorType);
        if (status !== null) attempt.setAttribute(GenAi.HTTP_RESPONSE_STATUS_CODE, status);
        attempt.setStatus({ code: api.SpanStatusCode.ERROR });
        attempt.end();
        attempt = null;
      },
      end: (record, errorType) => {
        const usage: Attributes = {
          [GenAi.USAGE_INPUT_TOKENS]: record.tokensInput,
          [GenAi.USAGE_OUTPUT_TOKENS]: record.tokensOutput,
          ...(record.selectedModelName !== null && { [GenAi.RESPONSE_MODEL]: record.selectedModelName }),
          ...(record.finishReason !== null && { [GenAi.RESPONSE_FINISH_REASONS]: [record.finishReason] }),
        };
        if (attempt) {
          attempt.setAttributes(usage);
          if (errorType !== null) {
            attempt.setAttribute(GenAi.ERROR_TYPE, errorType);
            attempt.setStatus({ code: api.SpanStatusCode.ERROR });
          }
          attempt.end();
          attempt = null;
        }
        root.setAttributes({
          ...usage,
          ...(record.provider !== null && { 'plexus.provider': record.provider }),
          ...(record.outgoingApiType !== null && {
            [GenAi.PROVIDER_NAME]: providerName(record.outgoingApiType),
            [GenAi.SYSTEM]: providerName(record.outgoingApiType),
          }),
          'plexus.attempts': record.attemptCount,
          'plexus.response_status': record.responseStatus,
        });
        if (errorType !== null) {
          root.setAttribute(GenAi.ERROR_TYPE, errorType);
          root.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        root.end();
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    try {
      await this.provider.shutdown();
    } catch (error) {
      this.logger.warn(`could not flush traces at shutdown: ${(error as Error).message}`);
    }
  }
}
