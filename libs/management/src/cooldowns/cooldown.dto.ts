import { ApiProperty } from '@nestjs/swagger';

/** A provider/model cooling down (the reference's Cooldown schema, plus lastError). */
export class CooldownDto {
  @ApiProperty({ description: 'Provider slug' })
  provider!: string;

  @ApiProperty({ description: "Model in cooldown; '' when the whole provider is cooling down" })
  model!: string;

  @ApiProperty({ type: 'integer', description: 'When the cooldown ends, in epoch milliseconds' })
  expiry!: number;

  @ApiProperty({ type: 'integer', description: 'expiry minus now, in milliseconds (0 once expired)' })
  timeRemainingMs!: number;

  @ApiProperty({ type: 'integer', description: 'Consecutive failures so far; a success resets it' })
  consecutiveFailures!: number;

  @ApiProperty({ type: 'string', nullable: true, description: 'The failure that started or extended this cooldown' })
  lastError!: string | null;
}
