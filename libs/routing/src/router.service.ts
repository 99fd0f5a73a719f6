import { Inject, Injectable, Optional } from '@nestjs/common';
import { ErrorCode, GatewayException, isMediaApiType, type IncomingApiType } from '@plexus/core';
import type { AliasTargetRecord, ApiKeyPolicy, ProviderRecord } from '@plexus/persistence';
import {
  ALIAS_TYPE_OF,
  baseUrlFor,
  chooseApiType,
  mediaApiTypeFor,
  mediaBaseUrlFor,
  providerApiTypes,
} from './api-type';
import { CooldownService } from './cooldown/cooldown.service';
import type { RoutePlan, RouteTarget, SkipReason, SkippedTarget } from './route-target';
import { NoHealthyTargetException } from './no-healthy-target.exception';
import { RoutingConfigService } from './routing-config.service';
import { TARGET_SELECTORS, type TargetSelector } from './selectors/target-selector';
import { PROVIDER_QUOTA_VIEW, type ProviderQuotaView } from './provider-quota';
import { stallOverrides } from './stall-overrides';
import { oauthAccountOf, oauthApiType } from './oauth-target';

export interface RouteParams {
  model: string;
  /** The client's API type; a media endpoint routes only to aliases of its `type`. */
  incoming: IncomingApiType;
  policy: ApiKeyPolicy;
}

/** A target left out because it is cooling down or over its provider quota, and when that ends (epoch ms). */
interface CoolingTarget {
  provider: string;
  until: number;
  reason: 'cooldown' | 'quota_exhausted';
}

/** What routing left out: the cooling targets (for Retry-After) and every skipped one (for the attempt history). */
interface Exclusions {
  cooling: CoolingTarget[];
  skipped: SkippedTarget[];
}

const DIRECT_PREFIX = 'direct/';
const DEFAULT_SELECTOR = 'random';

/** Turns the model a client named into the ordered list of targets to try. */
@Injectable()
export class RouterService {
  private readonly selectors: ReadonlyMap<string, TargetSelector>;

  constructor(
    private readonly config: RoutingConfigService,
    @Inject(TARGET_SELECTORS) selectors: TargetSelector[],
    private readonly cooldowns: CooldownService,
    @Optional() @Inject(PROVIDER_QUOTA_VIEW) private readonly quota: ProviderQuotaView | null = null,
  ) {
    this.selectors = new Map(selectors.map((selector) => [selector.name, selector]));
  }

  route(params: RouteParams): RoutePlan {
    const { policy } = params;
    if (!listAllows(policy.allowedModels, policy.excludedModels, params.model)) {
      throw new GatewayException(ErrorCode.FORBIDDEN, {
        message: `This API key may not use model '${params.model}'`,
        param: 'model',
      });
    }
    const excluded: Exclusions = { cooling: [], skipped: [] };
    const { cooling } = excluded;
    const plan = params.model.startsWith(DIRECT_PREFIX)
      ? this.routeDirect(params, excluded)
      : this.routeAlias(params, excluded);
    const allowed = plan.targets.filter((target) => {
      if (listAllows(policy.allowedProviders, policy.excludedProviders, target.provider)) return true;
      excluded.skipped.push(skippedAs(target, 'excluded_by_key'));
      return false;
    });
    const allowedCooling = cooling.filter((target) =>
      listAllows(policy.allowedProviders, policy.excludedProviders, target.provider),
    );
    if (plan.targets.length + cooling.length > 0 && allowed.length + allowedCooling.length === 0) {
      throw new GatewayException(ErrorCode.FORBIDDEN, {
        message: `This API key may not use any provider serving '${params.model}'`,
        param: 'model',
      });
    }
    if (allowed.length === 0 && allowedCooling.length > 0) {
      const soonest = Math.min(...allowedCooling.map((target) => target.until));
      const retryAfterSeconds = Math.max(1, Math.ceil((soonest - Date.now()) / 1000));
      throw new NoHealthyTargetException(
        `Every target for model '${params.model}' ${unavailability(allowedCooling)}; retry in ${retryAfterSeconds} s`,
        excluded.skipped,
        retryAfterSeconds,
      );
    }
    if (allowed.length === 0) {
      throw new NoHealthyTargetException(`No enabled target for model '${params.model}'`, excluded.skipped);
    }
    return { alias: plan.alias, targets: allowed, skipped: excluded.skipped };
  }

  private routeDirect(params: RouteParams, excluded: Exclusions): Omit<RoutePlan, 'skipped'> {
    const rest = params.model.slice(DIRECT_PREFIX.length);
    const slash = rest.indexOf('/');
    const providerSlug = slash < 0 ? rest : rest.slice(0, slash);
    const model = slash < 0 ? '' : rest.slice(slash + 1);
    const provider = this.config.provider(providerSlug);
    if (!provider || !model) {
      throw new GatewayException(ErrorCode.MODEL_NOT_FOUND, {
        message: `The model '${params.model}' does not exist: expected direct/<provider>/<model> with a configured provider`,
        param: 'model',
      });
    }
    const target = this.resolveTarget({ provider: provider.slug, model }, params.incoming, 'direct', excluded);
    return { alias: null, targets: target ? [target] : [] };
  }

  private routeAlias(params: RouteParams, excluded: Exclusions): Omit<RoutePlan, 'skipped'> {
    const alias = this.config.alias(params.model);
    if (!alias) {
      throw new GatewayException(ErrorCode.MODEL_NOT_FOUND, {
        message: `The model '${params.model}' does not exist`,
        param: 'model',
      });
    }
    const wanted = isMediaApiType(params.incoming) ? ALIAS_TYPE_OF[params.incoming] : 'text';
    if (alias.aliasType !== wanted) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, {
        message: `The model '${params.model}' is ${article(alias.aliasType)} '${alias.aliasType}' alias; this endpoint needs ${article(wanted)} '${wanted}' alias`,
        param: 'model',
      });
    }
    const targets: RouteTarget[] = [];
    const seen = new Set<string>();
    for (const group of alias.targetGroups) {
      const enabled = group.targets
        .map((target) => this.resolveTarget(target, params.incoming, group.name, excluded))
        .filter((target): target is RouteTarget => target !== null);
      const healthy = alias.priority === 'api_match' ? preferNative(enabled, params.incoming) : enabled;
      const selector = this.selectors.get(group.selector) ?? this.selectors.get(DEFAULT_SELECTOR);
      for (const target of selector ? selector.order(healthy) : healthy) {
        const key = `${target.provider}\u0000${target.model}`;
        if (seen.has(key)) continue;
        seen.add(key);
        targets.push(target);
      }
    }
    return { alias: alias.slug, targets };
  }

  private resolveTarget(
    target: AliasTargetRecord,
    incoming: IncomingApiType,
    group: string,
    excluded: Exclusions,
  ): RouteTarget | null {
    const provider = this.config.provider(target.provider);
    if (!provider) return null;
    const resolved = toTarget(provider, target.model, incoming, group);
    if (target.enabled === false || !provider.enabled) {
      excluded.skipped.push(skippedAs(resolved, 'disabled'));
      return null;
    }
    const cooling = this.coolingReason(provider.slug, target.model, excluded.cooling);
    if (cooling !== null) {
      excluded.skipped.push(skippedAs(resolved, cooling));
      return null;
    }
    return resolved;
  }

  /**
   * Why the provider+model (or the whole provider) can't be used now: cooling down, or over
   * its quota until its window resets (whichever lasts longer names it); if so, notes it in `cooling`.
   */
  private coolingReason(provider: string, model: string, cooling: CoolingTarget[]): CoolingTarget['reason'] | null {
    const cooldown = this.cooldowns.coolingUntil(provider, model);
    const exhausted = this.quota?.exhaustedUntil(provider, Date.now()) ?? null;
    if (cooldown === null && exhausted === null) return null;
    const entry: CoolingTarget =
      exhausted !== null && (cooldown === null || exhausted >= cooldown)
        ? { provider, until: exhausted, reason: 'quota_exhausted' }
        : { provider, until: cooldown ?? 0, reason: 'cooldown' };
    cooling.push(entry);
    return entry.reason;
  }
}

function toTarget(provider: ProviderRecord, model: string, incoming: IncomingApiType, group: string): RouteTarget {
  const modelConfig = provider.models.find((candidate) => candidate.name === model)?.config ?? {};
  const oauth = oauthAccountOf(provider);
  const apiType = isMediaApiType(incoming)
    ? mediaApiTypeFor(provider, incoming)
    : oauth
      ? oauthApiType(oauth, model, modelConfig, incoming)
      : chooseApiType(providerApiTypes(provider), incoming);
  const settings = provider.settings;
  return {
    provider: provider.slug,
    model,
    apiType,
    // An OAuth account's API host comes with its credential, at the attempt.
    baseUrl: oauth ? '' : isMediaApiType(apiType) ? mediaBaseUrlFor(provider, apiType) : baseUrlFor(provider, apiType),
    ...(oauth && { oauth }),
    ...(settings['useClaudeMasking'] === true && { claudeMasking: true }),
    apiKey: provider.apiKey,
    headers: (settings['headers'] as Record<string, string> | undefined) ?? {},
    extraBody: {
      ...((settings['extraBody'] as Record<string, unknown> | undefined) ?? {}),
      ...((modelConfig['extraBody'] as Record<string, unknown> | undefined) ?? {}),
    },
    timeoutMs: typeof settings['timeoutMs'] === 'number' ? settings['timeoutMs'] : null,
    group,
    modelConfig,
    discount: typeof settings['discount'] === 'number' ? settings['discount'] : 0,
    stall: stallOverrides(settings),
  };
}

/** Why every remaining target is out, for the 503's message. */
function unavailability(cooling: CoolingTarget[]): string {
  const quota = cooling.some((target) => target.reason === 'quota_exhausted');
  const failures = cooling.some((target) => target.reason === 'cooldown');
  if (quota && failures) return 'is cooling down after failures or over its provider quota';
  return quota ? 'is over its provider quota until the quota window resets' : 'is cooling down after failures';
}

function skippedAs(target: RouteTarget, reason: SkipReason): SkippedTarget {
  return { provider: target.provider, model: target.model, apiType: target.apiType, reason };
}

/** `priority: api_match`: a group's targets that speak the client's format, when it has any. */
function preferNative(targets: RouteTarget[], incoming: IncomingApiType): RouteTarget[] {
  const native = targets.filter((target) => target.apiType === incoming);
  return native.length > 0 ? native : targets;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Exact-match allow and deny lists: deny wins, an empty allow list allows all. */
function listAllows(allowed: string[] | undefined, excluded: string[] | undefined, value: string): boolean {
  if (excluded?.includes(value)) return false;
  return !allowed || allowed.length === 0 || allowed.includes(value);
}
