import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy.service';
import { NormalizeEmail } from './normalize-email.decorator';

const TOKEN_EXAMPLE = 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0';

/** Body of `POST /auth/forgot-password`. */
export class ForgotPasswordDto {
  @ApiProperty({ example: 'alice@example.com' })
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

/** Body of `POST /auth/reset-password/verify`. */
export class VerifyResetTokenDto {
  @ApiProperty({
    example: TOKEN_EXAMPLE,
    description: 'The token from the link fragment (#token=…)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;
}

/** Body of `POST /auth/reset-password`. */
export class ResetPasswordDto {
  @ApiProperty({
    example: TOKEN_EXAMPLE,
    description: 'The token from the link fragment (#token=…)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;

  @ApiProperty({
    example: 'violet tractor sings at midnight',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}
