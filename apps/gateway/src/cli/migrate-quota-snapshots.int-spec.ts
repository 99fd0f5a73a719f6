import { createTestDatabase, type TestDatabase } from '@plexus/testing';
import { Client } from 'pg';
import { migrateQuotaSnapshots } from './migrate-quota-snapshots.command';

/** The legacy table as the reference created it (timestamps as epoch milliseconds). */
const LEGACY_TABLE = `
  CREATE TABLE quota_snapshots (
    id serial PRIMARY KEY,
    provider text NOT NULL,
    checker_id text NOT NULL,
    group_id text,
    window_type text NOT NULL,
    description text,
    checked_at bigint NOT NULL,
    "limit" double precision,
    used double precision,
    remaining double precision,
    utilization_percent double precision,
    unit text,
    resets_at bigint,
    status text,
    success boolean NOT NULL DEFAULT true,
    error_message text,
    created_at bigint
  )`;

describe('plexus migrate-quota-snapshots on PostgreSQL', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('needs DATABASE_URL', async () => {
    await expect(migrateQuotaSnapshots({})).rejects.toThrow('DATABASE_URL');
  });

  it('exits cleanly, changing nothing, when there is no legacy table', async () => {
    expect(await migrateQuotaSnapshots({ DATABASE_URL: database.url })).toBe(
      'no quota_snapshots table: nothing to migrate',
    );
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM meter_snapshots');
    expect(rows[0]?.count).toBe('0');
  });

  it('says so when the legacy table is empty', async () => {
    await client.query(LEGACY_TABLE);
    expect(await migrateQuotaSnapshots({ DATABASE_URL: database.url })).toBe(
      'quota_snapshots is empty: nothing to migrate',
    );
  });

  it('copies every row with the reference mapping, and a second run adds nothing', async () => {
    const checked = Date.UTC(2026, 0, 10, 12);
    await client.query(
      `INSERT INTO quota_snapshots (provider, checker_id, group_id, window_type, description, checked_at, "limit", used, remaining, utilization_percent, unit, resets_at, status, success, error_message, created_at)
       VALUES ('naga', 'naga', 'team-a', 'daily', 'Daily requests', $1, 100, 40, 60, 40, 'requests', $2, 'ok', true, NULL, $1),
              ('naga', 'naga', NULL, 'monthly', NULL, $1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, NULL, NULL),
              ('or', 'or', NULL, 'balance', 'Credits', $1, NULL, NULL, 0, 100, 'dollars', NULL, 'exhausted', true, NULL, $1),
              ('or', 'or', NULL, 'balance', NULL, $3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 'HTTP 500', $3)`,
      [checked, checked + 86_400_000, checked + 60_000],
    );
    expect(await migrateQuotaSnapshots({ DATABASE_URL: database.url })).toBe(
      'copied 4 of 4 quota_snapshots rows into meter_snapshots (0 already there)',
    );
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT checker_id, checker_type, provider, meter_key, kind, unit, label, "group", "limit", used, remaining, utilization_state, utilization_percent,
              status, period_value, period_unit, period_cycle, resets_at, success, error_message, checked_at
         FROM meter_snapshots ORDER BY checked_at, checker_id, meter_key`,
    );
    expect(rows).toEqual([
      {
        checker_id: 'naga',
        checker_type: 'unknown',
        provider: 'naga',
        meter_key: 'daily',
        kind: 'allowance',
        unit: 'requests',
        label: 'Daily requests',
        group: 'team-a',
        limit: 100,
        used: 40,
        remaining: 60,
        utilization_state: 'reported',
        utilization_percent: 40,
        status: 'ok',
        period_value: 1,
        period_unit: 'day',
        period_cycle: 'fixed',
        resets_at: new Date(checked + 86_400_000),
        success: true,
        error_message: null,
        checked_at: new Date(checked),
      },
      {
        checker_id: 'naga',
        checker_type: 'unknown',
        provider: 'naga',
        meter_key: 'monthly',
        kind: 'allowance',
        unit: '',
        label: 'monthly',
        group: null,
        limit: null,
        used: null,
        remaining: null,
        utilization_state: 'unknown',
        utilization_percent: null,
        status: 'ok',
        period_value: 1,
        period_unit: 'month',
        period_cycle: 'fixed',
        resets_at: null,
        success: true,
        error_message: null,
        checked_at: new Date(checked),
      },
      {
        checker_id: 'or',
        checker_type: 'unknown',
        provider: 'or',
        meter_key: 'balance',
        kind: 'balance',
        unit: 'dollars',
        label: 'Credits',
        group: null,
        limit: null,
        used: null,
        remaining: 0,
        utilization_state: 'reported',
        utilization_percent: 100,
        status: 'exhausted',
        period_value: null,
        period_unit: null,
        period_cycle: null,
        resets_at: null,
        success: true,
        error_message: null,
        checked_at: new Date(checked),
      },
      {
        checker_id: 'or',
        checker_type: 'unknown',
        provider: 'or',
        meter_key: 'balance',
        kind: 'balance',
        unit: '',
        label: 'balance',
        group: null,
        limit: null,
        used: null,
        remaining: null,
        utilization_state: 'unknown',
        utilization_percent: null,
        status: 'ok',
        period_value: null,
        period_unit: null,
        period_cycle: null,
        resets_at: null,
        success: false,
        error_message: 'HTTP 500',
        checked_at: new Date(checked + 60_000),
      },
    ]);

    expect(await migrateQuotaSnapshots({ DATABASE_URL: database.url })).toBe(
      'copied 0 of 4 quota_snapshots rows into meter_snapshots (4 already there)',
    );
    const { rows: count } = await client.query<{ count: string }>('SELECT count(*) FROM meter_snapshots');
    expect(count[0]?.count).toBe('4');
  });
});
