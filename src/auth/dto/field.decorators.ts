import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy.service';

/** An email address, trimmed and lower-cased before validation (`" Alice@Example.COM "` → `alice@example.com`). */
export const EmailField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'alice@example.com',
      maxLength: 254,
      description: 'Trimmed and lower-cased',
    }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toLowerCase() : value,
    ),
    IsEmail({}, { message: 'email must be a valid email address' }),
    MaxLength(254),
  );

/** A password being set: its length is checked here, its strength by `PasswordPolicy`. */
export const NewPasswordField = (example = 'violet tractor sings at midnight'): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example,
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description:
        'No composition rules; refused when it is easy to guess (common, or based on the email)',
    }),
    IsString(),
    MinLength(PASSWORD_MIN_LENGTH),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

/** A password being checked: any non-empty string up to the maximum length (older rules may have allowed it). */
export const CurrentPasswordField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ example: 'violet tractor sings at midnight' }),
    IsString(),
    MinLength(1),
    MaxLength(PASSWORD_MAX_LENGTH),
  );

/** The reset token from the link's fragment. */
export const ResetTokenField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0',
      description: 'The token from the link fragment (#token=…)',
    }),
    IsString(),
    IsNotEmpty(),
    MaxLength(256),
  );
