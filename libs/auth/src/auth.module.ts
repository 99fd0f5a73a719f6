import { Module } from '@nestjs/common';
import { AdminKeyGuard } from './admin-key.guard';
import { AdminLoginThrottle } from './admin-login-throttle';
import { ApiKeyDirectory } from './api-key-directory.service';
import { OidcVerifier } from './oidc-verifier.service';
import { TrustedProxies } from './trusted-proxies.service';

@Module({
  providers: [ApiKeyDirectory, AdminKeyGuard, TrustedProxies, AdminLoginThrottle, OidcVerifier],
  exports: [ApiKeyDirectory, AdminKeyGuard, TrustedProxies, AdminLoginThrottle, OidcVerifier],
})
export class AuthModule {}
