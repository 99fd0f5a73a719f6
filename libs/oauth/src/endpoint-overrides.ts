import { Agent, setGlobalDispatcher, type Dispatcher } from 'undici';

/**
 * Where the subscription providers' endpoints (authorization, token, device code, API)
 * are reached instead, by origin: `{"https://platform.claude.com": "http://127.0.0.1:4100"}`.
 * Empty in production (the providers' own endpoints); tests point the flows and the
 * upstream calls at scripted servers on loopback with OAUTH_ENDPOINT_OVERRIDES.
 */
export class OAuthEndpointOverrides {
  private constructor(private readonly byOrigin: ReadonlyMap<string, string>) {}

  static none(): OAuthEndpointOverrides {
    return new OAuthEndpointOverrides(new Map());
  }

  /** Parses the OAUTH_ENDPOINT_OVERRIDES JSON object; a malformed one stops the gateway with the reason. */
  static parse(json: string | undefined): OAuthEndpointOverrides {
    if (!json) return OAuthEndpointOverrides.none();
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new Error('OAUTH_ENDPOINT_OVERRIDES must be a JSON object of origin to origin');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('OAUTH_ENDPOINT_OVERRIDES must be a JSON object of origin to origin');
    const byOrigin = new Map<string, string>();
    for (const [from, to] of Object.entries(parsed)) {
      if (typeof to !== 'string') throw new Error(`OAUTH_ENDPOINT_OVERRIDES: '${from}' must map to an origin`);
      byOrigin.set(new URL(from).origin, new URL(to).origin);
    }
    return new OAuthEndpointOverrides(byOrigin);
  }

  get active(): boolean {
    return this.byOrigin.size > 0;
  }

  /** The URL with its origin replaced when an override names it. */
  rewrite(url: string): string {
    if (!this.active) return url;
    const parsed = new URL(url);
    const target = this.byOrigin.get(parsed.origin);
    return target ? target + parsed.pathname + parsed.search : url;
  }

  /**
   * Sends the process's `fetch` calls (pi-ai's login and refresh requests use it) to the
   * overriding origins. Does nothing without overrides.
   */
  installForFetch(): void {
    if (!this.active) return;
    const rewriteOrigin: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
      const origin = typeof options.origin === 'string' ? options.origin : options.origin?.toString();
      const target = origin ? this.byOrigin.get(new URL(origin).origin) : undefined;
      return dispatch(
        target ? { ...options, origin: target, headers: withoutHost(options.headers) } : options,
        handler,
      );
    };
    setGlobalDispatcher(new Agent().compose(rewriteOrigin));
  }
}

/** A request moved to another origin must not keep the original Host. */
function withoutHost(headers: Dispatcher.DispatchOptions['headers']): Dispatcher.DispatchOptions['headers'] {
  if (!headers || Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function')
    return headers;
  return Object.fromEntries(
    Object.entries(headers as Record<string, string>).filter(([name]) => name.toLowerCase() !== 'host'),
  );
}
