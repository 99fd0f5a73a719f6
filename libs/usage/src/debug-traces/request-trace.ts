import { BoundedText } from './bounded-text';
import { maskSecrets, presentedSecrets, redactBody, redactHeaders, redactUrl } from './redaction';

/**
 * What an adapter reports about one upstream call. Providers declare the same shape
 * (`UpstreamObserver`), so neither lib imports the other.
 */
export interface UpstreamCapture {
  request(info: { url: string; headers: Record<string, string>; body: string }): void;
  response(info: { status: number; headers: Record<string, string | string[] | undefined> }): void;
  /** Response body text as it arrives: the whole JSON body, an error body, or raw SSE bytes. */
  body(text: string): void;
}

/** Receives the text written to the client (JSON body or SSE frames). */
export interface ResponseCapture {
  write(text: string): void;
}

export interface TraceTarget {
  provider: string;
  model: string;
  apiType: string;
  /** The provider's key, masked wherever it appears in the trace. */
  apiKey: string | null;
  /** The provider's custom headers, whose values are masked the same way. */
  headers?: Record<string, string>;
}

export interface RequestTraceParams {
  requestId: string;
  keyName: string | null;
  alias: string;
  format: string;
  clientHeaders: Record<string, string | string[] | undefined>;
  clientUrl?: string;
  clientBody: unknown;
  maxBodyChars: number;
}

interface AttemptTrace {
  provider: string;
  model: string;
  apiType: string;
  url: string | null;
  requestHeaders: Record<string, string> | null;
  requestBody: BoundedText;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: BoundedText;
  error: string | null;
}

export interface TraceOutcome {
  status: string;
  httpStatus: number | null;
  error: string | null;
}

/**
 * One request's debug trace while it runs: the client's request, each upstream attempt
 * (request and response), and what the client received, each body bounded. Secrets are
 * removed when the trace is turned into its stored document, off the request's path.
 */
export class RequestTrace implements ResponseCapture {
  readonly createdAt = Date.now();
  private readonly clientRequest: BoundedText;
  private readonly clientResponse: BoundedText;
  private readonly attempts: AttemptTrace[] = [];
  private readonly secrets: Array<string | null> = [];

  constructor(private readonly params: RequestTraceParams) {
    this.clientRequest = new BoundedText(params.maxBodyChars);
    this.clientRequest.append(JSON.stringify(params.clientBody) ?? '');
    this.clientResponse = new BoundedText(params.maxBodyChars);
    this.secrets.push(...presentedSecrets(params.clientHeaders, params.clientUrl));
  }

  get requestId(): string {
    return this.params.requestId;
  }

  get keyName(): string | null {
    return this.params.keyName;
  }

  get alias(): string {
    return this.params.alias;
  }

  /** Providers this request tried, in order. */
  get providers(): string[] {
    return this.attempts.map((attempt) => attempt.provider);
  }

  write(text: string): void {
    this.clientResponse.append(text);
  }

  attempt(target: TraceTarget): UpstreamCapture {
    this.secrets.push(target.apiKey, ...Object.values(target.headers ?? {}));
    const record: AttemptTrace = {
      provider: target.provider,
      model: target.model,
      apiType: target.apiType,
      url: null,
      requestHeaders: null,
      requestBody: new BoundedText(this.params.maxBodyChars),
      responseStatus: null,
      responseHeaders: null,
      responseBody: new BoundedText(this.params.maxBodyChars),
      error: null,
    };
    this.attempts.push(record);
    return {
      request: ({ url, headers, body }) => {
        record.url = url;
        record.requestHeaders = headers;
        record.requestBody.append(body);
      },
      response: ({ status, headers }) => {
        record.responseStatus = status;
        record.responseHeaders = redactHeaders(headers);
      },
      body: (text) => record.responseBody.append(text),
    };
  }

  attemptFailed(provider: string, message: string): void {
    const attempt = this.attempts.findLast((candidate) => candidate.provider === provider && candidate.error === null);
    if (attempt) attempt.error = message;
  }

  /** The stored document in the reference's DebugLog shape (plus attempts), secrets removed. */
  document(outcome: TraceOutcome): Record<string, unknown> {
    const last = this.attempts.at(-1);
    const attempts = this.attempts.map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      apiType: attempt.apiType,
      url: attempt.url === null ? null : redactUrl(attempt.url),
      requestHeaders: attempt.requestHeaders === null ? null : redactHeaders(attempt.requestHeaders),
      requestBody: redactBody(attempt.requestBody.value()),
      responseStatus: attempt.responseStatus,
      responseHeaders: attempt.responseHeaders,
      responseBody: redactBody(attempt.responseBody.value()),
      error: attempt.error,
    }));
    const document = {
      requestId: this.params.requestId,
      createdAt: this.createdAt,
      apiKey: this.params.keyName,
      alias: this.params.alias,
      incomingApiType: this.params.format,
      provider: last?.provider ?? null,
      model: last?.model ?? null,
      responseStatus: outcome.status,
      httpStatus: outcome.httpStatus,
      error: outcome.error,
      requestHeaders: redactHeaders(this.params.clientHeaders),
      rawRequest: redactBody(this.clientRequest.value()),
      transformedRequest: attempts.at(-1)?.requestBody ?? null,
      rawResponse: attempts.at(-1)?.responseBody ?? null,
      transformedResponse: this.clientResponse.empty ? null : redactBody(this.clientResponse.value()),
      attempts,
    };
    return JSON.parse(maskSecrets(JSON.stringify(document), this.secrets)) as Record<string, unknown>;
  }
}
