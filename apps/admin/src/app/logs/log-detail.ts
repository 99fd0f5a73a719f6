import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { UsageRecordDto } from '../api/models/usage-record-dto';
import { formatDateTime, formatDuration, formatInt, formatUsd } from '../shared/format';
import { DebugTrace } from './debug-trace';
import { apiLabel, attemptsOf, statusTone, targetLabel } from './usage-view';

/** Everything recorded about one request: routing, attempts, timings, tokens, outcome. */
@Component({
  selector: 'plx-log-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, DebugTrace],
  templateUrl: './log-detail.html',
  styleUrl: './log-detail.scss',
})
export class LogDetail {
  readonly record = input.required<UsageRecordDto>();
  readonly closed = output();

  protected readonly attempts = computed(() => attemptsOf(this.record()));
  protected readonly target = computed(() => targetLabel(this.record()));
  protected readonly api = computed(() => apiLabel(this.record()));
  protected readonly tone = computed(() => statusTone(this.record().responseStatus));
  protected readonly attempted = computed(() => {
    const raw = this.record().allAttemptedProviders;
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.map(String).join(', ') : String(raw);
    } catch {
      return raw ?? '';
    }
  });
  /** Time between the first byte to the client and the end of the response. */
  protected readonly generationMs = computed(() => {
    const { durationMs, ttftMs } = this.record();
    return durationMs !== null && ttftMs !== null ? Math.max(0, durationMs - ttftMs) : null;
  });

  protected readonly int = formatInt;
  protected readonly duration = formatDuration;
  protected readonly time = formatDateTime;
  protected readonly usd = formatUsd;
}
