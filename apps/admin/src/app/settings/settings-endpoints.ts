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
import { debugControllerState } from '../api/fn/management-debug/debug-controller-state';
import { debugControllerUpdate } from '../api/fn/management-debug/debug-controller-update';

export interface SettingsEndpoints {
  load(api: Api): Promise<object>;
  /** PATCHes the changed fields; answers the settings as saved. */
  save(api: Api, body: Record<string, unknown>): Promise<object>;
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
