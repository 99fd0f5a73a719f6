import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ManagementApi } from '../common/management-api.decorator';
import { AdminKeyGuard, AllowLimited, type ManagementRequest } from '@plexus/auth';

export class AuthVerifyResultDto {
  @ApiProperty({ enum: [true] }) ok!: true;
  @ApiProperty({ enum: ['admin', 'limited'] }) role!: 'admin' | 'limited';
  @ApiPropertyOptional() keyName?: string;
  @ApiPropertyOptional({ type: [String] }) allowedProviders?: string[];
  @ApiPropertyOptional({ type: [String] }) allowedModels?: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) quotaName?: string | null;
  @ApiPropertyOptional({
    enum: ['sso', 'oidc'],
    description: 'Present when the admin was signed in by SSO at a trusted proxy, or by an OIDC ID token',
  })
  via?: 'sso' | 'oidc';
  @ApiPropertyOptional({ description: "The signed-in user (the trusted proxy's user header, or the ID token's email)" })
  user?: string;
}

/**
 * The console's login check: who does this `x-admin-key` make me? Behind a trusted SSO
 * proxy no key is needed, and the answer names the signed-in user.
 */
@ApiTags('Management — Auth')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/auth')
export class AuthVerifyController {
  @Get('verify')
  @AllowLimited()
  @ApiOperation({ summary: 'Verify an admin key or an API key (limited principal)' })
  @ApiOkResponse({ type: AuthVerifyResultDto })
  verify(@Req() request: ManagementRequest): AuthVerifyResultDto {
    const principal = request.managementPrincipal;
    if (!principal) return { ok: true, role: 'admin' };
    if (principal.role === 'admin')
      return principal.via === 'admin-key'
        ? { ok: true, role: 'admin' }
        : { ok: true, role: 'admin', via: principal.via, user: principal.user };
    return {
      ok: true,
      role: 'limited',
      keyName: principal.keyName,
      allowedProviders: principal.policy.allowedProviders ?? [],
      allowedModels: principal.policy.allowedModels ?? [],
      quotaName: principal.policy.quota ?? principal.policy.quotas?.[0] ?? null,
    };
  }
}
