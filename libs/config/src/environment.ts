import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The process environment, validated once at boot. */
export class Environment {
  @IsString()
  @IsNotEmpty({ message: 'ADMIN_KEY is required: set it to the secret admins send as x-admin-key' })
  ADMIN_KEY!: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './data';

  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 4000 : Number(value)))
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 4000;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'ENCRYPTION_KEY must be 64 hex characters (32 bytes)' })
  ENCRYPTION_KEY?: string;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /**
   * Tests only: a JSON object of origin to origin that sends the subscription providers'
   * OAuth and API calls elsewhere (scripted servers on loopback). Unset in production.
   */
  @IsOptional()
  @IsString()
  OAUTH_ENDPOINT_OVERRIDES?: string;

  /** A YAML file (the shape of a config export) applied at boot and on change; its objects are read-only through the API. */
  @IsOptional()
  @IsString()
  PLEXUS_CONFIG?: string;

  /** Usage records older than this are pruned, hourly; 0 keeps them forever. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 90 : Number(value)))
  @IsInt({ message: 'USAGE_RETENTION_DAYS must be a whole number of days (0 keeps records forever)' })
  @Min(0)
  USAGE_RETENTION_DAYS = 90;

  /** `true` turns on debug trace capture for every request at boot (as the reference's DEBUG). */
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  DEBUG = false;

  /** Debug traces kept; older ones are pruned. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'DEBUG_TRACE_LIMIT must be a whole number of traces' })
  @Min(1)
  DEBUG_TRACE_LIMIT = 1000;

  /** Characters kept of each captured body (client and upstream, request and response). */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 262_144 : Number(value)))
  @IsInt({ message: 'DEBUG_TRACE_MAX_BODY_CHARS must be a whole number' })
  @Min(1024)
  DEBUG_TRACE_MAX_BODY_CHARS = 262_144;

  /** Comma-separated logger contexts printed to the console (empty: all), as the reference's LOG_MODULES. */
  @IsOptional()
  @IsString()
  LOG_MODULES?: string;

  /**
   * Comma-separated addresses, CIDR ranges or address ranges of the reverse proxies (e.g.
   * oauth2-proxy) whose SSO_USER_HEADER is believed; the `trusted-proxies` setting overrides
   * it. Unset: no proxy is trusted and SSO is off.
   */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;

  /** The header a trusted proxy names the signed-in user with (oauth2-proxy: X-Forwarded-Email). */
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'SSO_USER_HEADER must be an HTTP header name' })
  SSO_USER_HEADER = 'x-forwarded-email';

  /** Wrong management keys from one address within ADMIN_LOGIN_WINDOW_SECONDS before it gets 429. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt({ message: 'ADMIN_LOGIN_MAX_FAILURES must be a whole number' })
  @Min(1)
  ADMIN_LOGIN_MAX_FAILURES = 10;

  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 900 : Number(value)))
  @IsInt({ message: 'ADMIN_LOGIN_WINDOW_SECONDS must be a whole number of seconds' })
  @Min(1)
  ADMIN_LOGIN_WINDOW_SECONDS = 900;

  /** OpenID Connect issuer for console login (with OIDC_CLIENT_ID); its ID tokens are admin Bearer tokens. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'OIDC_ISSUER must be an http(s) URL' })
  OIDC_ISSUER?: string;

  /** The console's OIDC client id: the audience ID tokens must carry. */
  @IsOptional()
  @IsString()
  OIDC_CLIENT_ID?: string;

  /** Comma-separated emails or `@domain` suffixes allowed in by OIDC; unset: everyone the provider signs in to the client. */
  @IsOptional()
  @IsString()
  OIDC_ALLOWED_USERS?: string;

  /** `false` keeps the model catalog at its shipped snapshot (no refresh at start or hourly). */
  @Transform(({ value }: { value: unknown }) => !(value === false || value === 'false' || value === '0'))
  MODEL_CATALOG_REFRESH = true;

  @Matches(/^https?:\/\//, { message: 'MODEL_CATALOG_MODELS_DEV_URL must be an http(s) URL' })
  MODEL_CATALOG_MODELS_DEV_URL = 'https://models.dev/api.json';

  @Matches(/^https?:\/\//, { message: 'MODEL_CATALOG_OPENROUTER_URL must be an http(s) URL' })
  MODEL_CATALOG_OPENROUTER_URL = 'https://openrouter.ai/api/v1/models';

  /** `false` records no usage rows (for measuring what recording costs, e.g. in the benchmark); metrics still count. */
  @Transform(({ value }: { value: unknown }) => !(value === false || value === 'false' || value === '0'))
  USAGE_RECORDING = true;

  /** Seconds a client may take to send its request line and headers (slowloris); then 408 and the connection closed. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt({ message: 'REQUEST_HEADERS_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(1)
  REQUEST_HEADERS_TIMEOUT_SECONDS = 30;

  /** Seconds a request body may stall between two chunks before the request is refused with 408. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt({ message: 'REQUEST_BODY_IDLE_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(1)
  REQUEST_BODY_IDLE_TIMEOUT_SECONDS = 30;

  /** Seconds a whole request (headers and body) may take to arrive before it is refused with 408. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 300 : Number(value)))
  @IsInt({ message: 'REQUEST_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(1)
  REQUEST_TIMEOUT_SECONDS = 300;

  /** Bytes of request line and headers together; more is refused with 431. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 32_768 : Number(value)))
  @IsInt({ message: 'MAX_HEADER_BYTES must be a whole number of bytes' })
  @Min(1024)
  MAX_HEADER_BYTES = 32_768;

  /** Bytes of the request URL (path and query); more is refused with 414. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 8_192 : Number(value)))
  @IsInt({ message: 'MAX_URL_BYTES must be a whole number of bytes' })
  @Min(256)
  MAX_URL_BYTES = 8_192;
  /** How often a replica compares the stored configuration version with its own and reloads when they differ. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'CONFIG_RECONCILE_SECONDS must be a whole number of seconds' })
  @Min(1)
  CONFIG_RECONCILE_SECONDS = 5;

  /** `false`: this process leaves the schema alone (a separate `migrate` run, e.g. the Helm chart's hook Job, owns it). */
  @Transform(({ value }: { value: unknown }) => !(value === false || value === 'false' || value === '0'))
  RUN_MIGRATIONS = true;

  /** After SIGTERM, how long readiness reports false before the listener closes (the load balancer's time to notice). */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt({ message: 'SHUTDOWN_DELAY_SECONDS must be a whole number of seconds' })
  @Min(0)
  SHUTDOWN_DELAY_SECONDS = 5;

  /** After the listener closes, how long in-flight requests and streams may take to finish. */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number of seconds' })
  @Min(0)
  SHUTDOWN_TIMEOUT_SECONDS = 30;
  /** `test` enables the test-only settings below; nothing else reads it. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /**
   * Tests only (honoured with NODE_ENV=test): comma-separated `host=address` pairs the image
   * fetcher resolves to that address and may reach though it is not public, so a test can
   * serve an image URL from loopback. Every other host keeps the public-only rule.
   */
  @IsOptional()
  @IsString()
  PLEXUS_TEST_IMAGE_HOSTS?: string;
}

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvironmentError';
  }
}

/** Validates the raw environment; throws an EnvironmentError naming every problem. */
export function loadEnvironment(raw: NodeJS.ProcessEnv = process.env): Environment {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new EnvironmentError(errors.flatMap((error) => Object.values(error.constraints ?? {})));
  }
  return env;
}
