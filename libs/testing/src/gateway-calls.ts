import { Client } from 'pg';

/** One management API call with a key in `x-admin-key`; JSON body only when one is given. */
export function callManagement(
  gatewayUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${gatewayUrl}/v0/management${path}`, {
    method,
    headers: { 'x-admin-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/** The request's usage row once the gateway's batched writer has stored it (rows land off the request path). */
export async function waitForUsageRow(
  databaseUrl: string,
  requestId: string,
  timeoutMs = 5000,
): Promise<Record<string, unknown>> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await pg.query('SELECT * FROM request_usage WHERE request_id = $1', [requestId]);
      if (result.rows[0]) return result.rows[0] as Record<string, unknown>;
      if (Date.now() > deadline) throw new Error(`no usage row for ${requestId} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await pg.end();
  }
}
