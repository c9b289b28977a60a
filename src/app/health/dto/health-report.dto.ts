import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Answer of `GET /health`: the status and nothing else, so that the answer is the same whoever has
 * an account (queue counts, which grow only for known addresses, are in `/health/details`).
 */
export class HealthStatusDto {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    example: 'ok',
    description: '"degraded" while mail cannot be sent or the per-IP limits cannot reach Redis',
  })
  status: 'ok' | 'degraded';
}

/** Body of the 503 of `GET /health`. */
export class HealthErrorDto {
  @ApiProperty({ enum: ['error'], example: 'error' })
  status: 'error';
}

export class ComponentHealthDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
}

export class MailHealthDto extends ComponentHealthDto {
  @ApiProperty({ enum: ['smtp', 'dev-mailbox'] })
  transport: 'smtp' | 'dev-mailbox';
}

export class OutboxHealthDto extends ComponentHealthDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Emails waiting to be sent or retried (absent when down)',
  })
  pending?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Emails given up on (absent when down)',
  })
  failed?: number;
}

export class HealthComponentsDto {
  @ApiProperty({ type: ComponentHealthDto })
  database: ComponentHealthDto;

  @ApiProperty({ type: MailHealthDto })
  mail: MailHealthDto;

  @ApiPropertyOptional({ type: ComponentHealthDto, description: 'Only when REDIS_URL is set' })
  redis?: ComponentHealthDto;

  @ApiProperty({ type: OutboxHealthDto, description: 'Down when the database is' })
  outbox: OutboxHealthDto;
}

/** Answer of `GET /health/details`, for operators. */
export class HealthDetailsDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error'], description: 'As `GET /health`' })
  status: 'ok' | 'degraded' | 'error';

  @ApiProperty({ type: HealthComponentsDto })
  details: HealthComponentsDto;
}
