import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { UserAccount } from '../user-account.entity';

/** The public view of an account. */
@ApiSchema({ name: 'PasswordResetAccount' })
export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f1c2a7e-8d4b-4f6a-9c1e-2b7d5e8a9f01' })
  id: string;

  @ApiProperty({ example: 'alice@example.com' })
  email: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T17:00:00.000Z' })
  createdAt: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'de-AT',
    description: 'The language of the emails, a BCP 47 tag; null when none is set',
  })
  locale: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Europe/Berlin',
    description: 'The IANA time zone dates in emails are shown in; null when none is set (UTC)',
  })
  timeZone: string | null;

  static from(user: UserAccount): UserResponseDto {
    return {
      id: user.id,
      email: user.email,
      createdAt: user.createdAt.toISOString(),
      locale: user.locale ?? null,
      timeZone: user.timeZone ?? null,
    };
  }
}
