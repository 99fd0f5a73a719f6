import type { Api } from '../api/api';
import { captureTraceOnErrorControllerGet } from '../api/fn/management-config/capture-trace-on-error-controller-get';
import { captureTraceOnErrorControllerUpdate } from '../api/fn/management-config/capture-trace-on-error-controller-update';
import { settingsControllerGetBackgroundExploration } from '../api/fn/management-config/settings-controller-get-background-exploration';
import { settingsControllerGetCooldown } from '../api/fn/management-config/settings-controller-get-cooldown';
import { settingsControllerGetExplorationRate } from '../api/fn/management-config/settings-controller-get-exploration-rate';
import { settingsControllerGetFailover } from '../api/fn/management-config/settings-controller-get-failover';
import { settingsControllerGetStall } from '../api/fn/management-config/settings-controller-get-stall';
import { settingsControllerGetTimeout } from '../api/fn/management-config/settings-controller-get-timeout';
import { settingsControllerPatchBackgroundExploration } from '../api/fn/management-config/settings-controller-patch-background-exploration';
import { settingsControllerPatchCooldown } from '../api/fn/management-config/settings-controller-patch-cooldown';
import { settingsControllerPatchExplorationRate } from '../api/fn/management-config/settings-controller-patch-exploration-rate';
import { settingsControllerPatchFailover } from '../api/fn/management-config/settings-controller-patch-failover';
import { settingsControllerPatchStall } from '../api/fn/management-config/settings-controller-patch-stall';
import { settingsControllerPatchTimeout } from '../api/fn/management-config/settings-controller-patch-timeout';
import { requestShapingControllerClearDescriptions } from '../api/fn/management-config/request-shaping-controller-clear-descriptions';
import { requestShapingControllerGetCompaction } from '../api/fn/management-config/request-shaping-controller-get-compaction';
import { requestShapingControllerGetVisionFallthrough } from '../api/fn/management-config/request-shaping-controller-get-vision-fallthrough';
import { requestShapingControllerPatchCompaction } from '../api/fn/management-config/request-shaping-controller-patch-compaction';
import { requestShapingControllerPatchVisionFallthrough } from '../api/fn/management-config/request-shaping-controller-patch-vision-fallthrough';
import { debugControllerState } from '../api/fn/management-debug/debug-controller-state';
import { debugControllerUpdate } from '../api/fn/management-debug/debug-controller-update';

export interface SettingsEndpoints {
  load(api: Api): Promise<object>;
  /** PATCHes the changed fields; answers the settings as saved. */
  save(api: Api, body: Record<string, unknown>): Promise<object>;
  /** The section's one-off action, when it has one. */
  action?(api: Api): Promise<unknown>;
}

const NATIVE_COMPACTION_FIELDS = ['maxStringChars', 'maxArrayItems'] as const;

/** The compaction section shows `native`'s fields beside the others. */
function flatCompaction(settings: object): Record<string, unknown> {
  const { native, ...rest } = settings as Record<string, unknown>;
  return { ...rest, ...(typeof native === 'object' && native !== null ? native : {}) };
}

function nestedCompaction(body: Record<string, unknown>): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  const native: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((NATIVE_COMPACTION_FIELDS as readonly string[]).includes(key)) native[key] = value;
    else nested[key] = value;
  }
  return Object.keys(native).length > 0 ? { ...nested, native } : nested;
}

/** The /v0/management/config/* pair of each settings section. */
export const SETTINGS_ENDPOINTS: Readonly<Record<string, SettingsEndpoints>> = {
  cooldown: {
    load: (api) => api.invoke(settingsControllerGetCooldown),
    save: (api, body) => api.invoke(settingsControllerPatchCooldown, { body }),
  },
  timeout: {
    load: (api) => api.invoke(settingsControllerGetTimeout),
    save: (api, body) => api.invoke(settingsControllerPatchTimeout, { body }),
  },
  stall: {
    load: (api) => api.invoke(settingsControllerGetStall),
    save: (api, body) => api.invoke(settingsControllerPatchStall, { body }),
  },
  failover: {
    load: (api) => api.invoke(settingsControllerGetFailover),
    save: (api, body) => api.invoke(settingsControllerPatchFailover, { body }),
  },
  'exploration-rate': {
    load: (api) => api.invoke(settingsControllerGetExplorationRate),
    save: (api, body) => api.invoke(settingsControllerPatchExplorationRate, { body }),
  },
  'background-exploration': {
    load: (api) => api.invoke(settingsControllerGetBackgroundExploration),
    save: (api, body) => api.invoke(settingsControllerPatchBackgroundExploration, { body }),
  },
  'vision-fallthrough': {
    load: (api) => api.invoke(requestShapingControllerGetVisionFallthrough),
    save: (api, body) => api.invoke(requestShapingControllerPatchVisionFallthrough, { body }),
    action: (api) => api.invoke(requestShapingControllerClearDescriptions),
  },
  compaction: {
    load: async (api) => flatCompaction(await api.invoke(requestShapingControllerGetCompaction)),
    save: async (api, body) =>
      flatCompaction(await api.invoke(requestShapingControllerPatchCompaction, { body: nestedCompaction(body) })),
  },
  debug: {
    load: (api) => api.invoke(debugControllerState),
    save: (api, body) => api.invoke(debugControllerUpdate, { body }),
  },
  'capture-trace-on-error': {
    load: (api) => api.invoke(captureTraceOnErrorControllerGet),
    save: (api, body) =>
      api.invoke(captureTraceOnErrorControllerUpdate, { body: { enabled: body['enabled'] === true } }),
  },
};
