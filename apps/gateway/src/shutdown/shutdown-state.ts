import { Injectable } from '@nestjs/common';

/** Whether the process is going away: readiness answers 503 from the first moment of a shutdown. */
@Injectable()
export class ShutdownState {
  private since: number | null = null;

  get draining(): boolean {
    return this.since !== null;
  }

  begin(): void {
    this.since ??= Date.now();
  }
}
