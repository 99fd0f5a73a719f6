import { Global, Module } from '@nestjs/common';
import { RedisFailureCounter, SHARED_FAILURE_COUNTER } from '@plexus/auth';
import { Environment } from '@plexus/config';
import { RedisConnection } from '@plexus/routing';

const LOGIN_REDIS = Symbol('LOGIN_REDIS');

/**
 * With REDIS_URL, failed management logins are counted in Redis so every replica refuses a
 * guesser alike; without it the throttle counts in-process. Its own connection, closed at shutdown.
 */
@Global()
@Module({
  providers: [
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
