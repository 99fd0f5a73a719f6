import type { ApiFormat } from '@plexus/core';

/** One concrete provider model a request may be sent to, with what it takes to reach it. */
export interface RouteTarget {
  provider: string;
  model: string;
  /** The upstream API type chosen for this request. */
  apiType: ApiFormat;
  baseUrl: string;
  apiKey: string | null;
  headers: Record<string, string>;
  extraBody: Record<string, unknown>;
  timeoutMs: number | null;
  /** The alias target group it came from (`direct` for direct routing). */
  group: string;
  /** The provider's settings for this model (pricing, access_via, extraBody...). */
  modelConfig: Record<string, unknown>;
  /** The provider's negotiated discount (0..1) on computed costs. */
  discount: number;
}

export interface RoutePlan {
  /** The alias the request named, or null for `direct/...`. */
  alias: string | null;
  /** Targets in the order they are to be tried. */
  targets: RouteTarget[];
}
