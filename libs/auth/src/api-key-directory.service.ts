import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ApiKeyRepository, ConfigChangeBus, type ApiKeyPolicy, type ApiKeyRecord } from '@plexus/persistence';
import { timingSafeEqual } from 'node:crypto';
import { IpRules } from './ip-rules';
import { hashSecret } from './secret-hash';

export interface ApiKeyPrincipal {
  keyName: string;
  attribution: string | null;
  policy: ApiKeyPolicy;
}

interface DirectoryEntry {
  name: string;
  hash: Buffer;
  policy: ApiKeyPolicy;
  expiresAt: number | null;
  disabled: boolean;
  /** Null: any address. A stored list that no longer parses admits no address rather than every one. */
  allowedIps: IpRules | null;
}

export type AuthenticationResult =
  | { ok: true; principal: ApiKeyPrincipal }
  | { ok: false; reason: 'unknown' | 'disabled' | 'expired' | 'address_not_allowed' };

/**
 * Every API key, held in memory by the hash of its secret, so authenticating a request
 * costs one hash and one map lookup, never a database round trip. Reloaded when the
 * configuration bus says keys changed (here or on another replica); expiry is checked per request.
 */
@Injectable()
export class ApiKeyDirectory implements OnModuleInit {
  private readonly logger = new Logger(ApiKeyDirectory.name);
  private byHash = new Map<string, DirectoryEntry>();

  constructor(
    private readonly keys: ApiKeyRepository,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe(ApiKeyDirectory.name, ['keys'], () => this.reload());
  }

  async reload(): Promise<void> {
    const records = await this.keys.findAll();
    this.byHash = new Map(records.map((record) => [record.secretHash, this.toEntry(record)]));
    this.logger.debug(`loaded ${records.length} API keys`);
  }

  /** `clientAddress`: the caller's address as resolved through the trusted proxies, checked against the key's `allowedIps`. */
  authenticate(
    secret: string,
    attribution: string | null,
    clientAddress: string | null,
    now = Date.now(),
  ): AuthenticationResult {
    const hash = hashSecret(secret);
    const entry = this.byHash.get(hash);
    if (!entry || !timingSafeEqual(entry.hash, Buffer.from(hash, 'hex'))) return { ok: false, reason: 'unknown' };
    if (entry.disabled) return { ok: false, reason: 'disabled' };
    if (entry.expiresAt !== null && entry.expiresAt <= now) return { ok: false, reason: 'expired' };
    if (entry.allowedIps && !entry.allowedIps.matches(clientAddress))
      return { ok: false, reason: 'address_not_allowed' };
    return { ok: true, principal: { keyName: entry.name, attribution, policy: entry.policy } };
  }

  private toEntry(record: ApiKeyRecord): DirectoryEntry {
    return {
      name: record.name,
      hash: Buffer.from(record.secretHash, 'hex'),
      policy: record.policy,
      expiresAt: record.expiresAt?.getTime() ?? null,
      disabled: record.disabledAt !== null,
      allowedIps: this.allowedIpsOf(record),
    };
  }

  private allowedIpsOf(record: ApiKeyRecord): IpRules | null {
    const rules = record.policy.allowedIps ?? [];
    if (rules.length === 0) return null;
    try {
      return IpRules.parse(rules);
    } catch (error) {
      this.logger.warn(
        `API key '${record.name}': allowedIps ${(error as Error).message}; the key is refused from every address`,
      );
      return IpRules.parse([]);
    }
  }
}
