import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../common/email-address';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords/password-policy.service';

/**
 * An email address in its normal form (`normalizeEmail`: NFC, trimmed, lower-cased, the domain in
 * punycode); the 400 says why an address is refused.
 */
export const EmailField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'alice@example.com',
      maxLength: EMAIL_MAX_LENGTH,
      description:
        'NFC-normalised, trimmed and lower-cased, the domain stored in ASCII (punycode); ' +
        'no quoted local parts, whitespace or control characters',
    }),
    // An address that cannot be normalised stays as sent, so the validator below can say why.
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') return value;
      const result = normalizeEmail(value);
      return result.ok ? result.email : value;
    }),
    ValidateBy({
      name: 'isNormalizableEmail',
      validator: {
        // A normal form normalises to itself, so the transformed value passes here.
        validate: (value: unknown) => typeof value === 'string' && normalizeEmail(value).ok,
        defaultMessage: (args?: ValidationArguments) => {
          const value: unknown = args?.value;
          const result = typeof value === 'string' ? normalizeEmail(value) : undefined;
          const reason = result && !result.ok ? result.reason : 'must be a valid email address';
          return `${args?.property ?? 'email'} ${reason}`;
        },
      },
    }),
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
