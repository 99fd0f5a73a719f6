import { GatewayTelemetry, otlpTracesConfigured } from './gateway-telemetry.service';
import { operationName, providerName, serverOf } from './gen-ai-attributes';

describe('telemetry', () => {
  it('is on only when the standard OTLP endpoint variables ask for it', () => {
    expect(otlpTracesConfigured({})).toBe(false);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('costs nothing when not configured: no SDK, no spans', async () => {
    const telemetry = new GatewayTelemetry();
    const saved = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    await telemetry.onModuleInit();
    if (saved !== undefined) process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = saved;
    expect(telemetry.enabled).toBe(false);
    expect(telemetry.startRequest({ requestId: 'r', format: 'chat', alias: 'a', stream: false })).toBeNull();
  });

  it('names operations, providers and servers as the GenAI conventions do', () => {
    expect(operationName('chat')).toBe('chat');
    expect(operationName('gemini')).toBe('generate_content');
    expect(operationName('completions')).toBe('text_completion');
    expect(providerName('messages')).toBe('anthropic');
    expect(providerName('gemini')).toBe('gcp.gemini');
    expect(providerName('responses')).toBe('openai');
    expect(serverOf('https://api.example.com/v1')).toEqual({ address: 'api.example.com', port: 443 });
    expect(serverOf('http://127.0.0.1:8080/v1')).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(serverOf('not a url')).toBeNull();
  });
});
