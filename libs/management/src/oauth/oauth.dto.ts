import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength, Matches } from 'class-validator';

export class OAuthProviderDto {
  @ApiProperty({ example: 'openai-codex' }) id!: string;
  @ApiProperty({ example: 'OpenAI (ChatGPT Plus/Pro)' }) name!: string;
  @ApiProperty({
    description: 'The flow waits for the redirect on a local callback port (pasting the redirect URL also works)',
  })
  usesCallbackServer!: boolean;
}

export class OAuthProviderListDto {
  @ApiProperty({ type: [OAuthProviderDto] }) data!: OAuthProviderDto[];
  @ApiProperty() total!: number;
}

export class OAuthSessionCreateDto {
  @ApiProperty({ example: 'openai-codex', description: 'Provider ID from /v0/management/oauth/providers' })
  @IsString()
  @IsNotEmpty()
  providerId!: string;

  @ApiProperty({ example: 'work', description: 'Your name for the account: several accounts per provider' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    message: 'accountId must be 1-100 letters, digits, dots, dashes or underscores',
  })
  accountId!: string;
}

export class OAuthSessionAnswerDto {
  @ApiProperty({ description: 'The answer: prompt text (blank allowed), or the pasted code / redirect URL' })
  @IsString()
  @MaxLength(8192)
  value!: string;
}

export class OAuthSessionAuthInfoDto {
  @ApiProperty({ description: 'Where to sign in (the consent page, or the device verification page)' }) url!: string;
  @ApiPropertyOptional() instructions?: string;
  @ApiPropertyOptional({ description: 'The device code to enter (device code flows)' }) userCode?: string;
}

export class OAuthSessionPromptDto {
  @ApiProperty() message!: string;
  @ApiPropertyOptional() placeholder?: string;
}

export class OAuthSessionProgressDto {
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'Unix time (ms)' }) at!: number;
}

export class OAuthSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() providerId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty({
    enum: ['in_progress', 'awaiting_auth', 'awaiting_prompt', 'awaiting_manual_code', 'success', 'error', 'cancelled'],
  })
  status!: string;
  @ApiPropertyOptional({ type: OAuthSessionAuthInfoDto }) authInfo?: OAuthSessionAuthInfoDto;
  @ApiPropertyOptional({ type: OAuthSessionPromptDto }) prompt?: OAuthSessionPromptDto;
  @ApiProperty({ type: [OAuthSessionProgressDto] }) progress!: OAuthSessionProgressDto[];
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ description: 'Unix time (ms)' }) createdAt!: number;
  @ApiProperty({ description: 'Unix time (ms)' }) updatedAt!: number;
}

export class OAuthSessionEnvelopeDto {
  @ApiProperty({ type: OAuthSessionDto }) data!: OAuthSessionDto;
}

export class OAuthCredentialDto {
  @ApiProperty() providerId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty({ enum: ['ready', 'needs_login'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'When the access token expires (ISO 8601)' })
  expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastRefreshAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last refresh was refused' })
  lastError!: string | null;
  @ApiProperty() createdAt!: string;
}

export class OAuthCredentialListDto {
  @ApiProperty({ type: [OAuthCredentialDto] }) data!: OAuthCredentialDto[];
  @ApiProperty() total!: number;
}

export class OAuthCredentialRefDto {
  @ApiProperty({ example: 'openai-codex' }) @IsString() @IsNotEmpty() providerId!: string;
  @ApiProperty({ example: 'work' }) @IsString() @IsNotEmpty() accountId!: string;
}

class OAuthCredentialStatusDataDto {
  @ApiProperty() ready!: boolean;
}

export class OAuthCredentialStatusDto {
  @ApiProperty({ type: OAuthCredentialStatusDataDto }) data!: OAuthCredentialStatusDataDto;
}

class OAuthDeletedDataDto {
  @ApiProperty({ enum: [true] }) deleted!: boolean;
}

export class OAuthCredentialDeletedDto {
  @ApiProperty({ type: OAuthDeletedDataDto }) data!: OAuthDeletedDataDto;
}

export class OAuthModelPricingDto {
  @ApiProperty({ description: 'Dollars per token, as a decimal string' }) prompt!: string;
  @ApiProperty() completion!: string;
}

export class OAuthModelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() context_length!: number;
  @ApiProperty({ type: OAuthModelPricingDto }) pricing!: OAuthModelPricingDto;
}

export class OAuthModelListDto {
  @ApiProperty({ type: [OAuthModelDto] }) data!: OAuthModelDto[];
}

export class PiProviderListDto {
  @ApiProperty({ type: [String] }) data!: string[];
}

export class PiModelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The model's wire API in pi-ai (anthropic-messages, openai-responses...)" }) api!: string;
  @ApiProperty({ enum: [false] }) custom!: boolean;
}

export class PiModelListDto {
  @ApiProperty({ type: [PiModelDto] }) data!: PiModelDto[];
}
