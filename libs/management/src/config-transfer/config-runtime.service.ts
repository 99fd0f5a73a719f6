import { Injectable } from '@nestjs/common';
import { CONFIG_TOPICS, ConfigChangeBus } from '@plexus/persistence';

/** After a whole-config write (import, restore, the declarative file): every view of the configuration reloads, on every replica. */
@Injectable()
export class ConfigRuntime {
  constructor(private readonly bus: ConfigChangeBus) {}

  async reload(): Promise<void> {
    await this.bus.publish(...CONFIG_TOPICS);
  }
}
