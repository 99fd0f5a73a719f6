import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { ConfigChangeBus, SystemSettingsRepository } from '@plexus/persistence';
import { IpRules, normaliseAddress } from './ip-rules';

/** The `system_settings` key of the reference's `trustedProxies` setting. */
export const TRUSTED_PROXIES_SETTING = 'trustedProxies';

/**
 * The reverse proxies whose forwarding and SSO headers are believed. The stored setting
 * wins over TRUSTED_PROXIES; with neither, no proxy is trusted. Fastify's own trustProxy
 * stays off, so the peer address is always the socket's and a client can't forge it.
 */
@Injectable()
export class TrustedProxies implements OnModuleInit {
  private readonly logger = new Logger(TrustedProxies.name);
  private readonly defaults: IpRules;
  private current: IpRules;

  constructor(
    env: Environment,
    private readonly settings: SystemSettingsRepository,
    @Optional() private readonly bus?: ConfigChangeBus,
  ) {
    try {
      this.defaults = IpRules.parse((env.TRUSTED_PROXIES ?? '').split(','));
    } catch (error) {
      throw new Error(`TRUSTED_PROXIES: ${(error as Error).message}`, { cause: error });
    }
    this.current = this.defaults;
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe(TrustedProxies.name, ['settings'], () => this.reload());
  }

  get rules(): readonly string[] {
    return this.current.rules;
  }

  isTrusted(address: string | undefined | null): boolean {
    return this.current.matches(address);
  }

  /** Validates, stores and applies new rules; throws an Error naming an invalid rule. */
  async replace(rules: readonly string[]): Promise<readonly string[]> {
    const parsed = IpRules.parse(rules);
    await this.settings.set(TRUSTED_PROXIES_SETTING, parsed.rules);
    this.current = parsed;
    await this.bus?.publish('settings');
    return parsed.rules;
  }

  /**
   * The client's address: the peer, or, when the peer is a trusted proxy, the right-most
   * X-Forwarded-For entry that is not itself a trusted proxy.
   */
  clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string | null {
    if (!peer) return null;
    let address = normaliseAddress(peer);
    if (!this.isTrusted(address) || forwardedFor === undefined) return address;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => normaliseAddress(hop));
    for (let i = hops.length - 1; i >= 0 && this.isTrusted(address); i--) {
      const hop = hops[i];
      if (hop) address = hop;
    }
    return address;
  }

  private async reload(): Promise<void> {
    const stored = await this.settings.get(TRUSTED_PROXIES_SETTING);
    if (!Array.isArray(stored)) {
      this.current = this.defaults;
      return;
    }
    try {
      this.current = IpRules.parse(stored.filter((rule): rule is string => typeof rule === 'string'));
    } catch (error) {
      this.logger.warn(`ignoring the stored trusted proxies: ${(error as Error).message}`);
    }
  }
}
