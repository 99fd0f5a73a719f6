import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { UsageBreakdownRowDto } from '../api/models/usage-breakdown-row-dto';
import { formatCount, formatInt, formatUsd } from './format';

/** A key's usage under one attribution (the `:label` a client appended to the key). */
export interface AttributionUsage {
  /** `:label`, or `no label` for requests made with the bare key. */
  label: string;
  requests: number;
  tokens: number;
  cost: number;
}

/**
 * The summary's per key-and-attribution rows grouped by key, most requests first; a key used only
 * without a label has nothing to break down and is left out.
 */
export function attributionsByKey(rows: readonly UsageBreakdownRowDto[]): Map<string, AttributionUsage[]> {
  const byKey = new Map<string, AttributionUsage[]>();
  for (const row of rows) {
    if (row.name === null) continue;
    const list = byKey.get(row.name) ?? [];
    list.push({
      label: row.attribution ? `:${row.attribution}` : 'no label',
      requests: row.requests,
      tokens: row.tokens,
      cost: row.cost,
    });
    byKey.set(row.name, list);
  }
  for (const [key, list] of byKey) {
    if (list.every((entry) => entry.label === 'no label')) byKey.delete(key);
    else list.sort((a, b) => b.requests - a.requests || a.label.localeCompare(b.label));
  }
  return byKey;
}

/** One row per attribution of a key: requests, tokens, cost. */
@Component({
  selector: 'plx-attribution-usage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <table
      [attr.aria-label]="'Usage of ' + keyName() + ' by attribution'"
      [attr.data-testid]="'attributions-' + keyName()"
    >
      @for (a of rows(); track a.label) {
        <tr>
          <th scope="row">{{ a.label }}</th>
          <td>{{ int(a.requests) }} req</td>
          <td>{{ count(a.tokens) }} tok</td>
          <td>{{ usd(a.cost) }}</td>
        </tr>
      }
    </table>
  `,
  styles: `
    table {
      margin-top: 4px;
      border-collapse: collapse;
      font-size: 12px;
    }
    th {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-weight: normal;
      text-align: left;
      padding-right: 12px;
    }
    td {
      padding-right: 12px;
      text-align: right;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class AttributionUsageTable {
  readonly keyName = input.required<string>();
  readonly rows = input.required<readonly AttributionUsage[]>();
  protected readonly int = formatInt;
  protected readonly count = formatCount;
  protected readonly usd = formatUsd;
}
