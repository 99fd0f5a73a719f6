import type { OAuthCredentialStep } from '@plexus/oauth';
import { GatewayException, ErrorCode, type CanonicalChunk } from '@plexus/core';
import type { QuotaService } from '@plexus/quota';
import {
  RoutingSettings,
  type CooldownService,
  type PerformanceStats,
  type RouteTarget,
  type RouterService,
} from '@plexus/routing';
import type { ModelCatalog, RequestObservation, UsageRecord, UsageRecorder } from '@plexus/usage';
import { lastValueFrom, of, toArray, throwError } from 'rxjs';
import type { AttemptStep } from './attempt-step';
import type { RequestContext } from './request-context';
import { RequestLifecycle, type PreparedAttempt } from './request-lifecycle';
import { standInRequest } from './stand-in-request';
import { UpstreamTiming } from './upstream-timing';

function target(provider: string): RouteTarget {
  return {
    provider,
    model: `${provider}-model`,
    apiType: 'chat',
    baseUrl: `http://${provider}.invalid`,
    apiKey: 'static-key',
    headers: {},
    extraBody: {},
    timeoutMs: null,
    group: 'g',
    modelConfig: {},
    discount: 0,
    stall: {},
  };
}

function context(): RequestContext {
  return {
    requestId: 'req-1',
    clientRequestId: null,
    sourceIp: null,
    principal: { keyName: 'k', attribution: null, policy: {} },
    format: 'chat',
    startTime: new Date(),
    startedAt: performance.now(),
    responseHeaders: {},
    upstream: new UpstreamTiming(),
  };
}

/** The lifecycle over stand-ins of the services it reports to; routing health and quotas stay out of it. */
function lifecycle(steps: AttemptStep[]): { lifecycle: RequestLifecycle; rows: UsageRecord[] } {
  const rows: UsageRecord[] = [];
  const usage = { started: () => undefined, record: (row: UsageRecord) => rows.push(row) };
  const quiet = { record: () => undefined, recordSuccess: () => undefined, recordFailure: () => undefined };
  const observer = {
    responseCapture: undefined,
    attemptStarted: () => undefined,
    attemptFailed: () => undefined,
    chunk: () => undefined,
    finished: () => undefined,
  };
  return {
    rows,
    lifecycle: new RequestLifecycle(
      {} as RouterService,
      usage as unknown as UsageRecorder,
      new RoutingSettings(),
      quiet as unknown as CooldownService,
      quiet as unknown as PerformanceStats,
      { applies: () => false } as unknown as QuotaService,
      { begin: () => observer } as unknown as RequestObservation,
      { defaultPricing: () => null, contextWindow: () => null } as unknown as ModelCatalog,
      steps,
      // No target here is oauth://: the credential step only sends.
      { attempt: (_account, upstream, send) => send(upstream) } as OAuthCredentialStep,
    ),
  };
}

const DONE: CanonicalChunk = { type: 'finish', reason: 'stop' };

describe('RequestLifecycle attempt steps', () => {
  it('runs the steps in order before each attempt; their credentials and request reach the attempt', async () => {
    const order: string[] = [];
    const steps: AttemptStep[] = [
      {
        name: 'credential',
        prepare: async (attempt) => {
          order.push(`credential:${attempt.target.provider}`);
          await Promise.resolve();
          attempt.upstream = { ...attempt.upstream, apiKey: `token-for-${attempt.target.provider}` };
        },
      },
      {
        name: 'shape',
        prepare: (attempt) => {
          order.push(`shape:${attempt.upstream.apiKey}`);
          attempt.request = { ...attempt.request, model: 'shaped' };
        },
      },
    ];
    const sent: PreparedAttempt[] = [];
    const { lifecycle: subject, rows } = lifecycle(steps);
    const request = standInRequest('alias');
    const chunks = await lastValueFrom(
      subject
        .run<CanonicalChunk>({
          context: context(),
          request,
          rawBody: {},
          plan: { alias: 'alias', targets: [target('a'), target('b')], skipped: [] },
          strategy: {
            kind: 'chat',
            isPassthrough: () => true,
            accounting: (chunk) => chunk,
            send: (attempt) => {
              sent.push(attempt);
              return attempt.target.provider === 'a'
                ? throwError(() => new GatewayException(ErrorCode.UPSTREAM_TIMEOUT))
                : of(DONE);
            },
          },
        })
        .pipe(toArray()),
    );
    expect(chunks).toEqual([DONE]);
    expect(order).toEqual(['credential:a', 'shape:token-for-a', 'credential:b', 'shape:token-for-b']);
    expect(sent.map((attempt) => [attempt.upstream.apiKey, attempt.request.model, attempt.passthrough])).toEqual([
      ['token-for-a', 'shaped', false],
      ['token-for-b', 'shaped', false],
    ]);
    expect(rows).toEqual([expect.objectContaining({ responseStatus: 'success', provider: 'b', attemptCount: 2 })]);
  });

  it('keeps the byte relay when no step replaced the request, and a step failure fails the attempt over', async () => {
    const steps: AttemptStep[] = [
      {
        name: 'refuses a',
        prepare: (attempt) => {
          if (attempt.target.provider === 'a') throw new GatewayException(ErrorCode.UPSTREAM_TIMEOUT);
        },
      },
    ];
    const sent: PreparedAttempt[] = [];
    const { lifecycle: subject } = lifecycle(steps);
    await lastValueFrom(
      subject.run<CanonicalChunk>({
        context: context(),
        request: standInRequest('alias'),
        rawBody: {},
        plan: { alias: 'alias', targets: [target('a'), target('b')], skipped: [] },
        strategy: {
          kind: 'chat',
          isPassthrough: () => true,
          accounting: (chunk) => chunk,
          send: (attempt) => {
            sent.push(attempt);
            return of(DONE);
          },
        },
      }),
    );
    expect(sent.map((attempt) => [attempt.target.provider, attempt.passthrough, attempt.upstream.apiKey])).toEqual([
      ['b', true, 'static-key'],
    ]);
  });
});
