import type { ApiFormat } from '../canonical/api-format';
import type { FinishReason } from '../canonical/finish-reason';
import type { Usage } from '../canonical/usage';

/** Where and how to reach one upstream API. */
export interface UpstreamEndpoint {
  apiType: ApiFormat;
  baseUrl: string;
  apiKey: string | null;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** One model an upstream lists, normalised to OpenAI's `/models` entry (`id` always set). */
export interface UpstreamModelInfo {
  id: string;
  object: 'model';
  created?: number;
  owned_by?: string;
  display_name?: string;
}

export interface ProviderProbe extends UpstreamEndpoint {
  provider: string;
  model: string;
  extraBody: Record<string, unknown>;
}

export interface ProviderProbeOutcome {
  success: boolean;
  durationMs: number;
  apiType: ApiFormat;
  /** The upstream's answer text (truncated). */
  response?: string;
  error?: string;
  /** The upstream's HTTP status when it answered with an error. */
  httpStatus?: number;
  usage?: Usage;
  finishReason?: FinishReason;
  /** The model the upstream says answered. */
  upstreamModel?: string;
}

/**
 * What the management API asks of the provider adapters, which it may not import: list an
 * upstream's models, and send one tiny request to a provider model. Bound in the
 * composition root.
 */
export interface ProviderTooling {
  /** Rejects with a GatewayException when the upstream fails or answers something unreadable. */
  listModels(endpoint: UpstreamEndpoint): Promise<UpstreamModelInfo[]>;
  /** Never rejects: a failed call is an outcome with `success: false`. */
  probe(probe: ProviderProbe): Promise<ProviderProbeOutcome>;
}

export const PROVIDER_TOOLING = Symbol('PROVIDER_TOOLING');
