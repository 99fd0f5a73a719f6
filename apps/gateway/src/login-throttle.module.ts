import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { AdminLoginThrottle, AuthModule, RedisFailureCounter, SHARED_FAILURE_COUNTER } from '@plexus/auth';
import { Environment } from '@plexus/config';
import { RedisConnection } from '@plexus/routing';
import { GatewayMetrics, UsageModule } from '@plexus/usage';

const LOGIN_REDIS = Symbol('LOGIN_REDIS');

/** Failed management logins as a Prometheus counter (they are logged one by one too). */
@Injectable()
class LoginFailureMetric implements OnModuleInit {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly throttle: AdminLoginThrottle,
  ) {}

  onModuleInit(): void {
    this.metrics.counter(
      'plexus_management_login_failures_total',
      'Management logins refused (wrong key or token), throttled ones included',
      () => this.throttle.failuresTotal,
    );
  }
}

/**
 * With REDIS_URL, failed management logins are counted in Redis so every replica refuses a
 * guesser alike; without it the throttle counts in-process. Its own connection, closed at shutdown.
 */
@Global()
@Module({
  imports: [AuthModule, UsageModule],
  providers: [
    LoginFailureMetric,
    {
      provide: LOGIN_REDIS,
      inject: [Environment],
      useFactory: (env: Environment) => new RedisConnection(env.REDIS_URL),
    },
    {
      provide: SHARED_FAILURE_COUNTER,
      inject: [LOGIN_REDIS],
      useFactory: (redis: RedisConnection) =>
        redis.enabled ? new RedisFailureCounter(redis.client, redis.key('admin-login-failures:')) : null,
    },
  ],
  exports: [SHARED_FAILURE_COUNTER],
})
export class LoginThrottleModule {}
