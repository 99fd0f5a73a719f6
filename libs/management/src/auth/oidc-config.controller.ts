import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { OidcVerifier } from '@plexus/auth';

export class OidcLoginConfigDto {
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({ description: 'The OpenID Connect issuer to sign in at' }) issuer?: string;
  @ApiPropertyOptional({ description: "The console's client id (authorization code with PKCE)" }) clientId?: string;
  @ApiPropertyOptional({ example: 'openid email profile' }) scopes?: string;
}

/**
 * Public: tells the console whether it can offer an OIDC login, and where. The ID token it
 * gets back is then sent as `Authorization: Bearer` to every management route.
 */
@ApiTags('Management — Auth')
@Controller('v0/management/auth')
export class OidcConfigController {
  constructor(private readonly oidc: OidcVerifier) {}

  @Get('oidc')
  @ApiOperation({ summary: 'OIDC console login settings (public; nothing secret)' })
  @ApiOkResponse({ type: OidcLoginConfigDto })
  config(): OidcLoginConfigDto {
    const config = this.oidc.loginConfig;
    return config ? { enabled: true, ...config } : { enabled: false };
  }
}
