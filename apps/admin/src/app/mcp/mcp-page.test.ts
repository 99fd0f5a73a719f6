import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { render, settle, setUpHttp, text } from '../testing/test-setup';
import { McpPage } from './mcp-page';

const stopped = {
  serverName: 'local',
  status: 'stopped',
  pid: null,
  url: 'http://127.0.0.1:3000/mcp',
  lastError: null,
  startedAt: null,
  exitedAt: null,
  restarts: 0,
};

describe('McpPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  it('shows servers with their process status, starts a local one, and lists recent MCP requests', async () => {
    const fixture = await render(McpPage);
    http
      .expectOne((r) => r.url === '/v0/management/mcp-servers')
      .flush({
        github: { upstream_url: 'https://mcp.example.com/mcp' },
        local: { mode: 'local_http', command: 'node', port: 3000 },
      });
    http
      .expectOne((r) => r.url === '/v0/management/mcp-logs')
      .flush({
        data: [
          {
            request_id: 'r1',
            created_at: '2026-01-01T10:00:00.000Z',
            server_name: 'github',
            method: 'POST',
            jsonrpc_method: 'tools/call',
            tool_name: 'search',
            api_key: 'laptop',
            response_status: 200,
            duration_ms: 12,
          },
        ],
        total: 1,
        limit: 50,
        offset: 0,
      });
    await settle(fixture);
    http.expectOne('/v0/management/mcp-servers/github/status').flush({ ...stopped, serverName: 'github', url: null });
    http.expectOne('/v0/management/mcp-servers/local/status').flush(stopped);
    await settle(fixture);
    expect(text(fixture)).toContain('https://mcp.example.com/mcp');
    expect(text(fixture)).toContain('POST tools/call search');
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="mcp-status-local"]')?.textContent,
    ).toContain('stopped');

    const start = [...(fixture.nativeElement as HTMLElement).querySelectorAll('button')].find(
      (button) => button.textContent?.trim() === 'start',
    )!;
    start.click();
    await settle(fixture);
    const started = http.expectOne('/v0/management/mcp-servers/local/start');
    expect(started.request.method).toBe('POST');
    started.flush({ ...stopped, status: 'running', pid: 42 });
    await settle(fixture);
    http
      .expectOne((r) => r.url === '/v0/management/mcp-servers')
      .flush({
        local: { mode: 'local_http', command: 'node', port: 3000 },
      });
    await settle(fixture);
    http.expectOne('/v0/management/mcp-servers/local/status').flush({ ...stopped, status: 'running', pid: 42 });
    await settle(fixture);
    expect(text(fixture)).toContain('pid 42');
  });
});
