import type { HttpClient, HttpContext } from '@angular/common/http';
import { HttpResponse } from '@angular/common/http';
import { filter, map, type Observable } from 'rxjs';
import { errorsControllerList } from '../api/fn/management-usage/errors-controller-list';
import { usageControllerList } from '../api/fn/management-usage/usage-controller-list';
import { usageControllerSummary } from '../api/fn/management-usage/usage-controller-summary';
import type { InferenceErrorListDto } from '../api/models/inference-error-list-dto';
import type { UsageListDto } from '../api/models/usage-list-dto';
import type { UsageSummaryDto } from '../api/models/usage-summary-dto';
import { RequestBuilder } from '../api/request-builder';
import type { StrictHttpResponse } from '../api/strict-http-response';

/*
 * The committed OpenAPI document declares no query parameters for GET /v0/management/usage,
 * /usage/summary and /errors (their controllers read a raw @Query()), so the generated functions
 * cannot send filters. These are the generated functions plus their query, built with the generated
 * RequestBuilder on the generated paths; drop them once the document declares the parameters.
 */

export const USAGE_STATUSES = ['success', 'error', 'pending', 'cancelled', 'timeout', 'stall'] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

export interface UsageListParams {
  limit?: number;
  offset?: number;
  sortBy?: 'date' | 'apiKey' | 'provider' | 'incomingModelAlias' | 'durationMs';
  sortDir?: 'asc' | 'desc';
  startDate?: string;
  endDate?: string;
  apiKey?: string;
  attribution?: string;
  provider?: string;
  incomingModelAlias?: string;
  responseStatus?: UsageStatus;
  fields?: string;
}

export type SummaryRange = UsageSummaryDto['range'];

export interface UsageSummaryParams {
  range?: SummaryRange;
  /** Rows in each breakdown (1–100; the server's default is 10). */
  limit?: number;
  startDate?: string;
  endDate?: string;
}

function getJson<T>(http: HttpClient, rootUrl: string, path: string, query: object, context?: HttpContext): Observable<StrictHttpResponse<T>> {
  const rb = new RequestBuilder(rootUrl, path, 'get');
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') rb.query(name, value, {});
  return http.request(rb.build({ responseType: 'json', accept: 'application/json', context })).pipe(
    filter((r): r is HttpResponse<unknown> => r instanceof HttpResponse),
    map((r) => r as StrictHttpResponse<T>),
  );
}

export function usageList(http: HttpClient, rootUrl: string, params: UsageListParams = {}, context?: HttpContext) {
  return getJson<UsageListDto>(http, rootUrl, usageControllerList.PATH, params, context);
}

export function usageSummary(http: HttpClient, rootUrl: string, params: UsageSummaryParams = {}, context?: HttpContext) {
  return getJson<UsageSummaryDto>(http, rootUrl, usageControllerSummary.PATH, params, context);
}

export interface ErrorsListParams {
  limit?: number;
  offset?: number;
}

export function errorsList(http: HttpClient, rootUrl: string, params: ErrorsListParams = {}, context?: HttpContext) {
  return getJson<InferenceErrorListDto>(http, rootUrl, errorsControllerList.PATH, params, context);
}
