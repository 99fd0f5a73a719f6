import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { RUNTIME_LOG_LEVELS, type RuntimeLogLevel } from '@plexus/usage';

export class LoggingLevelStateDto {
  @ApiProperty({ enum: RUNTIME_LOG_LEVELS, description: 'The level in force' })
  level!: RuntimeLogLevel;

  @ApiProperty({ enum: RUNTIME_LOG_LEVELS, description: 'The level LOG_LEVEL set at startup' })
  startupLevel!: RuntimeLogLevel;

  @ApiProperty({ enum: RUNTIME_LOG_LEVELS, isArray: true })
  supportedLevels!: RuntimeLogLevel[];

  @ApiProperty({ enum: [true], description: 'Changes last until the process restarts' })
  ephemeral!: true;
}

export class LoggingLevelUpdateDto {
  @ApiProperty({ enum: RUNTIME_LOG_LEVELS, example: 'debug' })
  @IsIn(RUNTIME_LOG_LEVELS)
  level!: RuntimeLogLevel;
}

export class ModuleFilterStateDto {
  @ApiProperty({ type: [String], description: 'Logger contexts printed to the console; empty prints all' })
  modules!: string[];
}

export class ModuleFilterUpdateDto {
  @ApiProperty({ type: [String], example: ['ExecutionService', 'DebugTraces'] })
  @IsArray()
  @IsString({ each: true })
  modules!: string[];
}

export class LogsRecentQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class LogEntryDto {
  @ApiProperty({ enum: RUNTIME_LOG_LEVELS })
  level!: RuntimeLogLevel;

  @ApiProperty()
  message!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiPropertyOptional({ description: 'The logger context (module)' })
  context?: string;
}

export class LogsRecentDto {
  @ApiProperty({ type: [LogEntryDto], description: 'Newest first' })
  data!: LogEntryDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}
