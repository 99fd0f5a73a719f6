import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ManagementApi } from '../common/management-api.decorator';
import { IsArray, IsString } from 'class-validator';
import { AdminKeyGuard, IpRules, TrustedProxies } from '@plexus/auth';
import { validateBody, validationFailed } from '../common/validation';

export class TrustedProxiesDto {
  @ApiProperty({
    type: [String],
    description: 'IPv4/IPv6 addresses, CIDR ranges, or address ranges (`a-b`)',
    example: ['127.0.0.1', '10.0.0.0/8'],
  })
  @IsArray()
  @IsString({ each: true })
  trustedProxies!: string[];
}

/**
 * The reverse proxies whose forwarding headers (X-Forwarded-For) and SSO user header are
 * believed. Empty means none: the safe default, unlike the reference's trust-all.
 */
@ApiTags('Management — Config')
@ManagementApi()
@UseGuards(AdminKeyGuard)
@Controller('v0/management/config')
export class TrustedProxiesController {
  constructor(private readonly proxies: TrustedProxies) {}

  @Get('trusted-proxies')
  @ApiOperation({ summary: 'Get trusted proxy rules (admin only)' })
  @ApiOkResponse({ type: TrustedProxiesDto })
  get(): TrustedProxiesDto {
    return { trustedProxies: [...this.proxies.rules] };
  }

  @Audited()
  @Patch('trusted-proxies')
  @ApiOperation({ summary: 'Replace trusted proxy rules (admin only); empty strings are discarded' })
  @ApiBody({ type: TrustedProxiesDto })
  @ApiOkResponse({ type: TrustedProxiesDto })
  async patch(@Body() body: unknown): Promise<TrustedProxiesDto> {
    const { trustedProxies } = validateBody(TrustedProxiesDto, body);
    const issues = trustedProxies.flatMap((rule, index) => {
      const problem = rule.trim() === '' ? null : IpRules.problemWith(rule);
      return problem
        ? [{ path: ['trustedProxies', String(index)], message: `${rule}: ${problem}`, code: 'invalid_ip_rule' }]
        : [];
    });
    if (issues.length > 0) throw validationFailed(issues);
    return { trustedProxies: [...(await this.proxies.replace(trustedProxies))] };
  }
}
