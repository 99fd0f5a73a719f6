import { ChangeDetectionStrategy, Component, computed, inject, input, resource } from '@angular/core';
import { Api } from '../api/api';
import { debugControllerGet } from '../api/fn/management-debug/debug-controller-get';
import { problemOf } from '../core/api-problem';

/** A captured body or header map as readable text: strings as they are (SSE text), everything else as indented JSON. */
export function traceText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/** The debug trace of one request, when debug capture kept one: client request, each upstream attempt, answers. */
@Component({
  selector: 'plx-debug-trace',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section data-testid="debug-trace">
      <h3>Debug trace</h3>
      @if (trace.isLoading()) {
        <p class="muted">Looking for a trace…</p>
      } @else if (missing()) {
        <p class="muted">No trace was captured for this request. Turn on debug capture in Settings to keep them.</p>
      } @else if (loadError(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      } @else if (trace.hasValue()) {
        @let t = trace.value();
        <details>
          <summary>Client request ({{ t.incomingApiType }})</summary>
          <pre>{{ text(t.requestHeaders) }}</pre>
          <pre>{{ text(t.rawRequest) }}</pre>
        </details>
        @for (a of t.attempts; track $index) {
          <details>
            <summary>
              Attempt {{ $index + 1 }}: {{ a.provider }}/{{ a.model }} ({{ a.apiType }}) →
              {{ a.responseStatus ?? a.error ?? '—' }}
            </summary>
            <div class="muted">{{ a.url ?? '' }}</div>
            <h4>Sent headers</h4>
            <pre>{{ text(a.requestHeaders) }}</pre>
            <h4>Sent body</h4>
            <pre>{{ text(a.requestBody) }}</pre>
            <h4>Answer</h4>
            <pre>{{ text(a.responseBody) }}</pre>
          </details>
        }
        <details>
          <summary>Answer to the client</summary>
          <pre>{{ text(t.transformedResponse) }}</pre>
        </details>
      }
    </section>
  `,
  styles: `
    h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 8px;
    }
    h4 {
      font: var(--mat-sys-label-medium);
      margin: 8px 0 4px;
    }
    details {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 6px 10px;
      margin-bottom: 6px;
    }
    summary {
      cursor: pointer;
      font: var(--mat-sys-body-medium);
    }
    pre {
      white-space: pre-wrap;
      word-break: break-word;
      font-size: 11px;
      max-height: 320px;
      overflow: auto;
      background: var(--mat-sys-surface-container);
      padding: 6px;
      border-radius: 6px;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class DebugTrace {
  readonly requestId = input.required<string>();
  /** The usage record's hasDebug: without a trace there is nothing to ask for. */
  readonly captured = input(true);

  private readonly api = inject(Api);
  protected readonly text = traceText;
  protected readonly trace = resource({
    params: () => (this.captured() ? this.requestId() : undefined),
    loader: ({ params }) => this.api.invoke(debugControllerGet, { requestId: params }),
  });
  protected readonly missing = computed(() => {
    const error = this.trace.error();
    return !this.captured() || (error !== undefined && problemOf(error).status === 404);
  });
  protected readonly loadError = computed(() => {
    const error = this.trace.error();
    return error ? `Could not load the trace: ${problemOf(error).message}` : null;
  });
}
