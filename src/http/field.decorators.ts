import { applyDecorators } from '@nestjs/common';
import { ApiProperty, DECORATORS } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, ValidateBy, ValidationArguments } from 'class-validator';
import { characterCount } from '../common/character-count';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../common/email-address';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords/password-policy.service';

/** The longest reset token a body may carry (a real one is 43 characters). */
export const RESET_TOKEN_MAX_LENGTH = 256;

/**
 * A body DTO's schema allows no property but the ones it declares, as its validation does
 * (`forbidNonWhitelisted`). `@nestjs/swagger` merges a class's extension metadata into its schema;
 * it has no decorator for `additionalProperties` on a class.
 */
export const OnlyDeclaredProperties = (): ClassDecorator => (target) => {
  const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, target) ?? {}) as object;
  Reflect.defineMetadata(
    DECORATORS.API_EXTENSION,
    { ...extensions, additionalProperties: false },
    target,
  );
};

/**
 * At least `min` characters, counted in code points as JSON Schema's `minLength` counts them, so the
 * document's limit is exactly the one checked (class-validator's `MinLength` does not count
 * variation selectors, `String.length` counts UTF-16 units). The message is class-validator's.
 */
const MinCharacters = (min: number): PropertyDecorator =>
  ValidateBy({
    name: 'minLength',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || characterCount(value) >= min,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be longer than or equal to ${min} characters`,
    },
  });

/** At most `max` characters, counted as {@link MinCharacters} counts them. */
const MaxCharacters = (max: number): PropertyDecorator =>
  ValidateBy({
    name: 'maxLength',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || characterCount(value) <= max,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be shorter than or equal to ${max} characters`,
    },
  });

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
    // An address that cannot be normalised stays as sent, so the validator below can say why. So
    // does one longer than the document allows, even if it would shrink (surrounding spaces).
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string' || characterCount(value) > EMAIL_MAX_LENGTH) return value;
      const result = normalizeEmail(value);
      return result.ok ? result.email : value;
    }),
    ValidateBy({
      name: 'isNormalizableEmail',
      validator: {
        // A normal form normalises to itself, so the transformed value passes here.
        validate: (value: unknown) =>
          typeof value === 'string' &&
          characterCount(value) <= EMAIL_MAX_LENGTH &&
          normalizeEmail(value).ok,
        defaultMessage: (args?: ValidationArguments) => {
          const value: unknown = args?.value;
          const result = typeof value === 'string' ? normalizeEmail(value) : undefined;
          const reason =
            typeof value === 'string' && characterCount(value) > EMAIL_MAX_LENGTH
              ? `must be at most ${EMAIL_MAX_LENGTH} characters`
              : result && !result.ok
                ? result.reason
                : 'must be a valid email address';
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
    MinCharacters(PASSWORD_MIN_LENGTH),
    MaxCharacters(PASSWORD_MAX_LENGTH),
  );

/** A password being checked: any non-empty string up to the maximum length (older rules may have allowed it). */
export const CurrentPasswordField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'violet tractor sings at midnight',
      minLength: 1,
      maxLength: PASSWORD_MAX_LENGTH,
    }),
    IsString(),
    MinCharacters(1),
    MaxCharacters(PASSWORD_MAX_LENGTH),
  );

/** The reset token from the link's fragment. */
export const ResetTokenField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'q3v5Yk2dJ8xW0pN7sR4tU6mB1cE9fG2hL5oA8zX3wQ0',
      description: 'The token from the link fragment (#token=…)',
      minLength: 1,
      maxLength: RESET_TOKEN_MAX_LENGTH,
    }),
    IsString(),
    IsNotEmpty(),
    MaxCharacters(RESET_TOKEN_MAX_LENGTH),
  );
