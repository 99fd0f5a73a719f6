import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What any replica needs to continue a client's MCP session: carried in the session id itself, signed. */
export interface McpSessionClaims {
  /** The MCP server (`/mcp/{name}`). */
  server: string;
  /** The upstream server's own session id. */
  upstream: string;
  /** The upstream key the session is pinned to; null when the server has none. */
  keyId: number | null;
  /** The Plexus API key that opened the session: no other key may use it. */
  caller: string;
}

const PREFIX = 'plx1';

/**
 * Mcp-Session-Id values handed to clients: `plx1.<claims>.<HMAC-SHA256>`, keyed from the
 * admin key every replica shares, so a session opened on one replica continues on any
 * other without shared state, and a client can neither forge nor alter one.
 */
export class McpSessionTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'plexus', 'mcp-session-id', 32));
  }

  sign(claims: McpSessionClaims): string {
    const body = Buffer.from(JSON.stringify([claims.server, claims.upstream, claims.keyId, claims.caller])).toString(
      'base64url',
    );
    return `${PREFIX}.${body}.${this.mac(body)}`;
  }

  verify(token: string): McpSessionClaims | null {
    const [prefix, body, mac, extra] = token.split('.');
    if (prefix !== PREFIX || !body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const [server, upstream, keyId, caller] = JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown[];
      if (typeof server !== 'string' || typeof upstream !== 'string' || typeof caller !== 'string') return null;
      if (keyId !== null && typeof keyId !== 'number') return null;
      return { server, upstream, keyId, caller };
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
