import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, ValidateIf } from 'class-validator';

export class SelfMeDto {
  @ApiProperty({ enum: ['admin', 'limited'] }) role!: 'admin' | 'limited';
  @ApiPropertyOptional() keyName?: string;
  @ApiPropertyOptional({ type: [String], description: 'Provider slugs this key may use (empty = all)' })
  allowedProviders?: string[];
  @ApiPropertyOptional({ description: 'Whether this key has privileged raw provider access' })
  allowRawPassthrough?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'Model aliases this key may use (empty = all)' })
  allowedModels?: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) quotaName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) comment?: string | null;
  @ApiPropertyOptional({ description: 'Per-key debug capture' }) traceEnabled?: boolean;
  @ApiPropertyOptional({ description: 'Global debug capture' }) traceEnabledGlobal?: boolean;
}

export class SelfKeyQueryDto {
  @ApiPropertyOptional({ description: 'Admin only: the key to act on. Limited callers always act on their own key.' })
  @IsOptional()
  @IsString()
  keyName?: string;
}

export class SelfRotateResultDto {
  @ApiProperty() keyName!: string;
  @ApiProperty({ example: 'sk-0123456789abcdef...', description: 'The new secret, returned this once' })
  secret!: string;
  @ApiPropertyOptional() message?: string;
}

export class SelfCommentDto {
  @ApiProperty({ type: String, nullable: true, description: 'New comment (null removes it)' })
  @ValidateIf((_dto, value) => value !== null)
  @IsString()
  comment!: string | null;
}

export class SelfCommentResultDto {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty() keyName!: string;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}
