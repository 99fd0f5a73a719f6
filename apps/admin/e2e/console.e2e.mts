/**
 * The admin console in headless Chromium (Debian's, driven by playwright-core) against the real
 * built gateway and a scripted OpenAI-compatible upstream on loopback. Run: npm run test:admin:e2e
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startGateway, type RunningGateway } from './gateway.mts';
import { startIdp } from './idp.mts';
import { UPSTREAM_REPLY, startUpstream, type ScriptedOpenAi } from './upstream.mts';

const ADMIN_KEY = 'e2e-admin-key-0123456789';
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let upstream: ScriptedOpenAi;
let gateway: RunningGateway;
let browser: Browser;
let page: Page;
let clientSecret = '';
const offOrigin: string[] = [];
const pageErrors: string[] = [];

/** A screenshot of the whole page once Material's animations have settled; the page scrolls inside the side-nav content, so the viewport grows to fit it. */
async function shot(name: string): Promise<void> {
  await page.waitForTimeout(150);
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
  const height = await page.evaluate(() => {
    const content = document.querySelector('mat-sidenav-content');
    return content ? content.scrollHeight + content.getBoundingClientRect().top : document.documentElement.scrollHeight;
  });
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (height > viewport.height) await page.setViewportSize(viewport);
}

/** Navigates inside the single-page app, the way a person uses the side navigation. */
async function nav(label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: label, exact: true })
    .click();
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  upstream = await startUpstream();
  gateway = await startGateway(ADMIN_KEY);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  // Material skips its animations under reduced motion, so screenshots show settled pages.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const origin = new URL(gateway.url).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) offOrigin.push(url);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  await upstream?.stop();
});

test('signing in: the guard sends visitors to login, a wrong key is refused, the right one lands on the dashboard', async () => {
  await page.goto(`${gateway.url}/providers`);
  await page.waitForURL(/\/login\?returnUrl=%2Fproviders/);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Enter the admin key or an API key').waitFor();
  await shot('login');

  await page.getByTestId('admin-key').fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That key was not accepted').waitFor();
  await shot('login-wrong-key');

  await page.getByTestId('admin-key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/providers$/);
  const stored = await page.evaluate(() => sessionStorage.getItem('plexus.adminKey'));
  assert.equal(stored, ADMIN_KEY, 'the key is kept in sessionStorage only');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});

test('providers: empty state, client-side validation, create, listed', async () => {
  await page.getByTestId('empty-state').waitFor();
  await shot('providers-empty');
  await page.getByTestId('add-provider').click();
  await page.getByTestId('save').click();
  await page.getByText('Enter a slug').waitFor();
  await page.getByText('Enter a URL').waitFor();
  await page.getByText('Enter the upstream API key').waitFor();
  await page.getByTestId('slug').fill('mock');
  await page.getByTestId('display-name').fill('Scripted upstream');
  await page.getByTestId('base-url').fill('not a url');
  await page.getByTestId('timeout').fill('50');
  await page.getByText('Not a valid URL').waitFor();
  await page.getByText('Between 1,000 and 3,600,000').waitFor();
  await shot('provider-form-invalid');
  await page.getByTestId('base-url').fill(`${upstream.url}/v1`);
  await page.getByTestId('timeout').fill('30000');
  await page.getByTestId('api-key').fill('sk-upstream-secret');
  await page.getByTestId('models').fill('mock-model');
  await page.getByTestId('models').press('Enter');
  await page.getByTestId('models').fill('other-model');
  await page.getByTestId('models').press('Enter');
  await shot('provider-form');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/providers$/);
  const row = page.getByTestId('provider-mock');
  await row.waitFor();
  const text = await row.innerText();
  for (const expected of ['mock', 'Scripted upstream', `${upstream.url}/v1`, 'enabled', 'mock-model', 'other-model'])
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  assert.ok(!text.includes('sk-upstream-secret'));
  await shot('providers');
});

test('providers: editing keeps the stored key unless a new one is typed', async () => {
  await page.getByTestId('provider-mock').getByRole('link', { name: 'Edit' }).click();
  await page.getByText('A key is set. Leave empty to keep it.').waitFor();
  assert.equal(await page.getByTestId('api-key').inputValue(), '');
  assert.notEqual(await page.getByTestId('slug').getAttribute('readonly'), null, 'the slug is read-only when editing');
  await page.getByTestId('display-name').fill('Scripted upstream (edited)');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/providers$/);
  await page.getByTestId('provider-mock').getByText('Scripted upstream (edited)').waitFor();
});

test('models: create an alias with a target group', async () => {
  await nav('Models');
  await page.getByTestId('empty-state').waitFor();
  await page.getByTestId('add-alias').click();
  await page.getByTestId('alias-slug').fill('smart');
  await page.getByTestId('target-provider-0-0').click();
  await page.getByRole('option', { name: 'mock' }).click();
  await page.getByTestId('target-model-0-0').fill('mock-model');
  await shot('alias-form');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/models$/);
  const row = page.getByTestId('alias-smart');
  await row.waitFor();
  assert.match(await row.innerText(), /mock\/mock-model/);
  await shot('models');
});

test('quotas: empty state, validation, create a daily request quota', async () => {
  await nav('Quotas');
  await page.getByTestId('empty-state').waitFor();
  await page.getByTestId('add-quota').click();
  await page.getByTestId('save').click();
  await page.getByText('Name the quota').waitFor();
  await page.getByText('Enter the limit').waitFor();
  await page.getByTestId('quota-name').fill('daily-requests');
  await page.getByTestId('quota-limit').fill('2.5');
  await page.getByText('Enter a whole number of requests').waitFor();
  await shot('quota-form-invalid');
  await page.getByTestId('quota-limit').fill('100');
  await page.getByTestId('quota-warn').fill('80');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/quotas$/);
  const row = page.getByTestId('quota-daily-requests');
  await row.waitFor();
  assert.match(await row.innerText(), /100 requests per day/);
});

test('keys: create a key holding the quota, its secret is shown once, the list shows it masked', async () => {
  await nav('Keys');
  await page.getByTestId('empty-state').waitFor();
  await page.getByTestId('add-key').click();
  await page.getByTestId('key-name').fill('e2e-app');
  await page.getByTestId('key-comment').fill('browser test');
  await page.getByTestId('key-quotas').click();
  await page.getByRole('option', { name: 'daily-requests' }).click();
  await page.keyboard.press('Escape');
  await shot('key-form');
  await page.getByTestId('save').click();
  const secret = page.getByTestId('new-secret');
  await secret.waitFor();
  clientSecret = (await secret.innerText()).trim();
  assert.match(clientSecret, /^sk-[0-9a-f]{48}$/);
  await shot('key-created');
  await page.getByTestId('close-secret').click();
  await page.waitForURL(/\/keys$/);
  const row = page.getByTestId('key-e2e-app');
  await row.waitFor();
  const text = await row.innerText();
  assert.ok(!text.includes(clientSecret), 'the list never shows the secret');
  assert.ok(text.includes(`sk-...${clientSecret.slice(-4)}`), text);
  assert.ok(text.includes('browser test') && text.includes('active'));
  await shot('keys');
});

test('a chat completion through /v1/chat/completions with the new key', async () => {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.choices?.[0]?.message?.content, UPSTREAM_REPLY);
  const calls = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.authorization, 'Bearer sk-upstream-secret', 'the edit kept the stored upstream key');
});

test('logs: the request is listed, filters apply, the drawer shows attempts and timings', async () => {
  await nav('Logs');
  const row = page.getByTestId('log-row').first();
  for (let tries = 0; !(await row.isVisible()); tries++) {
    assert.ok(tries < 40, 'the request reached the log');
    await page.waitForTimeout(250);
    await page.getByTestId('refresh').click();
  }
  const text = await row.innerText();
  for (const expected of ['e2e-app', 'smart', 'mock/mock-model', '12 / 0 / 7 / 0', 'success'])
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  await shot('logs');

  await page.getByTestId('filter-status').click();
  await page.getByRole('option', { name: 'error' }).click();
  await page.getByText('No requests match these filters.').waitFor();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await row.click();
  const drawer = page.locator('plx-log-detail');
  await drawer.getByRole('table', { name: 'Attempts' }).waitFor();
  const detail = await drawer.innerText();
  for (const expected of ['mock/mock-model', 'Time to first token', 'success', 'Routing'])
    assert.ok(detail.includes(expected), `${expected} in detail`);
  await shot('log-detail');
  await drawer.getByRole('button', { name: 'Close details' }).click();
});

test('dashboard: totals, charts and top models include the request', async () => {
  await nav('Dashboard');
  await page.getByTestId('top-models').getByText('smart').waitFor();
  assert.equal((await page.getByTestId('stat-requests').innerText()).trim(), '1');
  assert.equal((await page.getByTestId('stat-errors').innerText()).trim(), '0');
  assert.equal(await page.locator('plx-bar-chart canvas').count(), 5);
  await page.getByTestId('top-providers').getByText('mock').waitFor();
  await page.getByTestId('top-keys').getByText('e2e-app').waitFor();
  await page.getByText('Gateway healthy').waitFor();
  await page.getByTestId('live-feed').getByText('● live').waitFor();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi again' }] }),
  });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  const live = page.getByTestId('live-row').first();
  await live.getByText('success').waitFor();
  assert.match(await live.innerText(), /e2e-app\s+smart\s+mock\/mock-model/);
  await shot('dashboard');
});

test("quotas: the key's live state counts the request; resetting it confirms", async () => {
  await nav('Quotas');
  await page.getByTestId('quota-key').click();
  await page.getByRole('option', { name: 'e2e-app' }).click();
  const state = page.getByTestId('quota-state');
  await state.getByText('2 / 100 requests').waitFor();
  await shot('quotas');
  await state.getByRole('button', { name: 'Reset' }).click();
  await page.getByTestId('confirm').click();
  await state.getByText('0 / 100 requests').waitFor();
});

test('keys: a key used with a :label suffix shows its usage by attribution', async () => {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}:cursor`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi from cursor' }] }),
  });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  const attributions = page.getByTestId('attributions-e2e-app');
  for (let tries = 0; !(await attributions.isVisible()); tries++) {
    assert.ok(tries < 40, 'the labelled request reached the key list');
    await nav('Dashboard');
    await page.waitForTimeout(250);
    await nav('Keys');
    await page.getByTestId('key-e2e-app').waitFor();
  }
  const rows = (await attributions.locator('tr').allInnerTexts()).map((row) => row.split(/\s+/).join(' '));
  assert.equal(rows.length, 2, rows.join(' | '));
  assert.match(rows[0] ?? '', /^no label 2 req \d+ tok \$/);
  assert.match(rows[1] ?? '', /^:cursor 1 req \d+ tok \$/);
  assert.match(await page.getByTestId('key-e2e-app').innerText(), /3 requests/);
  await shot('keys-attribution');
});

test('errors: a failed request is listed with its attempts', async () => {
  upstream.failNext(503);
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  assert.ok(response.status >= 500, `status ${response.status}`);
  await response.arrayBuffer();
  await nav('Errors');
  const row = page.getByTestId('error-row').first();
  for (let tries = 0; !(await row.isVisible()); tries++) {
    assert.ok(tries < 40, 'the failure reached the errors list');
    await page.waitForTimeout(250);
    await page.getByTestId('refresh').click();
  }
  assert.match(await row.innerText(), /e2e-app → smart/);
  await row.locator('.summary').click();
  await row.getByRole('table', { name: 'Attempts' }).waitFor();
  assert.match(await row.innerText(), /mock\/mock-model/);
  await shot('errors');
});

test('providers: the failure put mock-model in cooldown; clearing it confirms', async () => {
  await nav('Providers');
  const row = page.getByTestId('provider-mock');
  await row.getByText(/mock-model · /).waitFor();
  await shot('providers-cooldown');
  await row.getByRole('button', { name: 'Clear cooldown of mock-model' }).click();
  await page.getByTestId('confirm').click();
  await row.getByText('none').waitFor();
});

test('performance: charts and a row per provider model', async () => {
  await nav('Performance');
  const table = page.getByTestId('performance-table');
  await table.getByText('mock/mock-model').waitFor();
  assert.equal(await page.locator('plx-bar-chart canvas').count(), 2);
  await shot('performance');
});

test('settings: invalid values are refused before sending, a valid change is saved', async () => {
  await nav('Settings');
  const timeout = page.getByTestId('settings-timeout');
  const field = page.getByTestId('timeout-defaultSeconds');
  await field.waitFor();
  await field.fill('0');
  await field.blur();
  await timeout.getByText('Between 1 and 3600').waitFor();
  await field.fill('90');
  await page.getByTestId('timeout-save').click();
  await page.getByText('Timeouts saved').waitFor();
  await shot('settings');
  const saved = await fetch(`${gateway.url}/v0/management/config/timeout`, { headers: { 'x-admin-key': ADMIN_KEY } });
  assert.deepEqual(await saved.json(), { defaultSeconds: 90 });
});

test("debug capture: switched on in settings, the next request's trace shows in the log detail", async () => {
  await page.getByRole('switch', { name: 'Capture every request' }).click();
  await page.getByTestId('debug-save').click();
  await page.getByText('Debug capture saved').waitFor();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Trace me' }] }),
  });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  for (let tries = 0; ; tries++) {
    const newest = await fetch(`${gateway.url}/v0/management/usage?limit=1`, { headers: { 'x-admin-key': ADMIN_KEY } });
    const { data } = (await newest.json()) as { data: { hasDebug?: boolean }[] };
    if (data[0]?.hasDebug === true) break;
    assert.ok(tries < 40, 'the traced request reached the log');
    await page.waitForTimeout(250);
  }
  await nav('Logs');
  await page.getByTestId('refresh').click();
  const row = page.getByTestId('log-row').first();
  await row.click();
  const trace = page.getByTestId('debug-trace');
  await trace.getByText('Attempt 1: mock/mock-model (chat) → 200').waitFor();
  await trace.getByText('Client request (chat)').click();
  await trace.getByText('Trace me').first().waitFor();
  await page
    .locator('plx-log-detail')
    .evaluate((element) => element.querySelector('plx-debug-trace')?.scrollIntoView());
  await shot('log-debug-trace');
  await page.locator('plx-log-detail').getByRole('button', { name: 'Close details' }).click();
});

test('configuration: counts, an invalid import is refused before sending, its own export imports back', async () => {
  await nav('Configuration');
  const counts = page.getByTestId('config-counts');
  await counts.getByText('providers').waitFor();
  assert.match(await counts.innerText(), /1\s*providers/);
  await page.getByTestId('import-text').fill('{"providers": []}');
  await page.getByText("'providers' must be an object keyed by name").waitFor();
  const exported = await fetch(`${gateway.url}/v0/management/config/export`, { headers: { 'x-admin-key': ADMIN_KEY } });
  const text = await exported.text();
  assert.ok(!text.includes('sk-upstream-secret'), 'the export masks secrets');
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import').click();
  await page.getByTestId('confirm').click();
  await page
    .getByTestId('import-result')
    .getByText(/Imported 1 providers, 1 aliases, 1 keys, 1 quotas/)
    .waitFor();
  await shot('configuration');
});

test('audit log: the changes made so far, by the admin key', async () => {
  await nav('Audit log');
  const rows = page.getByTestId('audit-row');
  await rows.filter({ hasText: 'PUT /v0/management/providers/mock' }).first().waitFor();
  assert.match(await rows.first().innerText(), /admin-key/);
  await shot('audit');
});

test("system logs: the gateway's recent lines and its level", async () => {
  await nav('System logs');
  await page.getByTestId('log-level').waitFor();
  await page.getByTestId('log-lines').locator('.line').first().waitFor();
  await shot('system-logs');
});

test('providers: a saved model answers a test request; fetching models asks the upstream', async () => {
  await nav('Providers');
  await page.getByTestId('provider-mock').getByRole('link', { name: 'Edit' }).click();
  await page.getByTestId('test-model').click();
  await page.getByRole('option', { name: 'mock-model' }).click();
  await page.getByTestId('test').click();
  const result = page.getByTestId('test-result');
  await result.waitFor();
  assert.match(await result.innerText(), /^Answered in \d+ ms \(chat\): Hello from the scripted upstream/);
  await page.getByTestId('fetch-models').click();
  const note = page.getByTestId('fetch-note');
  await note.getByText(/model\(s\)|Could not fetch models/).waitFor();
  console.log(`fetch models: ${await note.innerText()}`);
  await shot('provider-test');
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.waitForURL(/\/providers$/);
});

test('deleting a provider that aliases use: confirm, 409, cascade offered', async () => {
  await nav('Providers');
  await page.getByTestId('provider-mock').getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('confirm').click();
  await page.getByText("'mock' is in use").waitFor();
  await shot('provider-delete-409');
  await page.getByTestId('confirm').click();
  await page.getByTestId('empty-state').waitFor();
  await nav('Models');
  const alias = page.getByTestId('alias-smart');
  await alias.waitFor();
  assert.ok(!(await alias.innerText()).includes('mock/mock-model'), 'the cascade removed the target');
  await page.locator('mat-snack-bar-container').waitFor({ state: 'detached', timeout: 8000 });
});

test('an API key signs in to a limited console: its own usage and quota, no admin pages', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await page.getByTestId('admin-key').fill(clientSecret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/my-usage$/);
  await page.getByTestId('signed-in-as').getByText('API key e2e-app').waitFor();
  await page.getByTestId('my-quotas').getByText('daily-requests').waitFor();
  await page.getByTestId('attributions-e2e-app').getByText(':cursor').waitFor();
  const links = await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allInnerTexts();
  assert.deepEqual(
    links.map((l) => l.trim()),
    ['Dashboard', 'My usage', 'Logs', 'Errors'],
  );
  await shot('my-usage');
  await page.goto(`${gateway.url}/keys`);
  await page.waitForURL(/\/my-usage$/);
  await nav('Logs');
  await page.getByTestId('log-row').first().waitFor();
  assert.equal(await page.getByTestId('filter-status').count(), 1);
  assert.equal(await page.getByRole('combobox', { name: 'Provider' }).count(), 0, 'no admin-only filter lists');
  await shot('my-logs');
  await nav('Dashboard');
  await page.getByTestId('live-feed').getByText('● live').waitFor();
  await page.getByTestId('top-models').getByText('smart').waitFor();
  assert.equal(await page.getByTestId('top-keys').count(), 0, 'no per-key table for a key holder');
  await shot('my-dashboard');

  await nav('My usage');
  await page.getByTestId('rotate').click();
  await page.getByTestId('confirm').click();
  const shown = page.getByTestId('new-secret');
  await shown.waitFor();
  const rotated = (await shown.innerText()).trim();
  assert.match(rotated, /^sk-[0-9a-f]{48}$/);
  assert.notEqual(rotated, clientSecret);
  await page.getByTestId('close-secret').click();
  const verify = (secret: string) =>
    fetch(`${gateway.url}/v0/management/auth/verify`, { headers: { 'x-admin-key': secret } }).then((r) => r.status);
  assert.equal(await verify(clientSecret), 401, 'the old secret stopped working');
  assert.equal(await verify(rotated), 200);
  clientSecret = rotated;
  await nav('Logs');
  await page.getByTestId('log-row').first().waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await page.getByTestId('admin-key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
});

test('OIDC: with an identity provider the console offers its sign-in and lands signed in as its user', async () => {
  const idp = await startIdp('boss@example.com');
  const oidcGateway = await startGateway(ADMIN_KEY, {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_ALLOWED_USERS: 'boss@example.com',
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
  const oidcPage = await context.newPage();
  oidcPage.setDefaultTimeout(15_000);
  const errors: string[] = [];
  oidcPage.on('pageerror', (error) => errors.push(error.message));
  try {
    await oidcPage.goto(`${oidcGateway.url}/keys`);
    await oidcPage.waitForURL(/\/login/);
    const button = oidcPage.getByTestId('oidc');
    await button.waitFor();
    assert.equal((await button.innerText()).trim(), `Sign in with ${new URL(idp.issuer).host}`);
    await oidcPage.screenshot({ path: join(SCREENSHOTS, 'login-oidc.png') });
    await button.click();
    await oidcPage.waitForURL(/\/keys$/);
    await oidcPage.getByTestId('signed-in-as').getByText('boss@example.com').waitFor();
    await oidcPage.getByTestId('empty-state').waitFor();
    const stored = await oidcPage.evaluate(() => sessionStorage.getItem('plexus.adminKey'));
    assert.equal(stored?.split('.').length, 3, 'the session holds the ID token');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await oidcGateway.stop();
    await idp.stop();
  }
});

test('the page itself never scrolls: the shell fills the viewport', async () => {
  const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
  assert.ok(overflow <= 0, `document overflows by ${overflow}px`);
});

test('the console fetched nothing outside the gateway and raised no page errors', () => {
  assert.deepEqual(offOrigin, []);
  assert.deepEqual(pageErrors, []);
});
