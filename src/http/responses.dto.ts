import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Answer of `POST /auth/login`. */
@ApiSchema({ name: 'PasswordResetAccessToken' })
export class AccessTokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  accessToken: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  tokenType: 'Bearer';

  @ApiProperty({ type: 'integer', example: 900, description: 'Seconds until the token expires' })
  expiresIn: number;
}

/** A human-readable confirmation. */
@ApiSchema({ name: 'PasswordResetMessage' })
export class MessageResponseDto {
  @ApiProperty({
    example: 'If an account exists for that address, we have sent it a link to reset the password.',
  })
  message: string;
}

/** Answer of `POST /auth/reset-password/verify`. */
@ApiSchema({ name: 'PasswordResetTokenExpiry' })
export class VerifyResetTokenResponseDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-26T18:22:00.000Z' })
  expiresAt: string;
}
