import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi.schema';

export type ManagementClient = Client<paths>;

/**
 * A typed client of the gateway's HTTP API, generated from the committed
 * apps/gateway/openapi.json (`npm run management-client`; `management-client:check`
 * fails when the committed types drift from the document).
 */
export function createManagementClient(baseUrl: string, adminKey: string): ManagementClient {
  return createClient<paths>({ baseUrl, headers: { 'x-admin-key': adminKey } });
}
