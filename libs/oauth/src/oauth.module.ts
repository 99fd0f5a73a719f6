import { Global, Module } from '@nestjs/common';
import { OAUTH_USAGE_TOKENS } from '@plexus/core';
import { Environment } from '@plexus/config';
import { OAuthEndpointOverrides } from './endpoint-overrides';
import { LoginSessionsService } from './login-sessions.service';
import { OAUTH_FLOWS } from './oauth-flows';
import { OAuthCredentialService } from './oauth-credential.service';
import { OAuthCredentialStep } from './oauth-credential.step';
import { OAuthRefreshScheduler } from './oauth-refresh.scheduler';
import { PiAiOAuthFlows } from './pi-ai-oauth.flows';

/**
 * Subscription providers over OAuth: login sessions, the encrypted token store's refreshes,
 * access tokens for requests. Global so the quota meters find OAUTH_USAGE_TOKENS without
 * importing this lib.
 */
@Global()
@Module({
  providers: [
    {
      provide: OAuthEndpointOverrides,
      inject: [Environment],
      useFactory: (environment: Environment) => {
        const overrides = OAuthEndpointOverrides.parse(environment.OAUTH_ENDPOINT_OVERRIDES);
        overrides.installForFetch();
        return overrides;
      },
    },
    { provide: OAUTH_FLOWS, useClass: PiAiOAuthFlows },
    LoginSessionsService,
    OAuthCredentialService,
    OAuthCredentialStep,
    OAuthRefreshScheduler,
    { provide: OAUTH_USAGE_TOKENS, useExisting: OAuthCredentialService },
  ],
  exports: [
    OAuthEndpointOverrides,
    OAUTH_FLOWS,
    LoginSessionsService,
    OAuthCredentialService,
    OAuthCredentialStep,
    OAUTH_USAGE_TOKENS,
  ],
})
export class OAuthModule {}
