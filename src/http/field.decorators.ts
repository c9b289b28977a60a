import { applyDecorators } from '@nestjs/common';
import { ApiProperty, DECORATORS } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsString,
  Matches,
  registerDecorator,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { characterCount } from '../common/character-count';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../common/email-address';
import {
  canonicalLocale,
  canonicalTimeZone,
  MAX_LOCALE_LENGTH,
  MAX_TIME_ZONE_LENGTH,
} from '../i18n/locale-tags';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords/password-policy.service';
import { RESET_CODE_PATTERN } from '../tokens/reset-code';

/** The longest reset token a body may carry (a real one is 43 characters). */
export const RESET_TOKEN_MAX_LENGTH = 256;

/**
 * A body DTO's schema allows no property but the ones it declares, as its validation does
 * (`forbidNonWhitelisted`). `@nestjs/swagger` merges a class's extension metadata into its schema;
 * it has no decorator for `additionalProperties` on a class.
 */
export const OnlyDeclaredProperties = (): ClassDecorator => (target) =>
  addToSchema(target, { additionalProperties: false });

/**
 * A body DTO must carry at least one of `properties` (`null` counts), its schema says so too
 * (`minProperties`, beside {@link OnlyDeclaredProperties}); `message` is the 400's.
 */
export const AtLeastOneProperty =
  (properties: string[], message: string): ClassDecorator =>
  (target) => {
    addToSchema(target, { minProperties: 1 });
    registerDecorator({
      name: 'atLeastOneProperty',
      target,
      // Checked once, with the first property's: class-validator has no class-level checks.
      propertyName: properties[0],
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) =>
          properties.some((name) => (args?.object as Record<string, unknown>)[name] !== undefined),
        defaultMessage: () => message,
      },
    });
  };

/** Merges `keywords` into a class's schema: `@nestjs/swagger` has no decorator for them on a class. */
function addToSchema(target: object, keywords: Record<string, unknown>): void {
  const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, target) ?? {}) as object;
  Reflect.defineMetadata(DECORATORS.API_EXTENSION, { ...extensions, ...keywords }, target);
}

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

/** The code of a reset email, as the email shows it (`1234 5678`) or without its space. */
export const ResetCodeField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: '1234 5678',
      minLength: 8,
      maxLength: 9,
      pattern: RESET_CODE_PATTERN.source,
      description:
        'The 8-digit code of the reset email, with or without the space in the middle (`1234 5678`, `12345678`)',
    }),
    IsString({ message: RESET_CODE_MESSAGE }),
    MinCharacters(8),
    MaxCharacters(9),
    Matches(RESET_CODE_PATTERN, { message: RESET_CODE_MESSAGE }),
  );

const RESET_CODE_MESSAGE = 'code must be 8 digits, such as 1234 5678';

/** How a field spelled in one of many ways is checked and stored in its one canonical form. */
interface CanonicalFieldSpec {
  /** The validator's name, as class-validator reports it. */
  name: string;
  canonical: (value: unknown) => string | undefined;
  maxLength: number;
  /** What the field must be, completing "<field> must be …". */
  expected: string;
  example: string;
  description: string;
}

/**
 * An optional field stored in canonical form: sent in any spelling its parser accepts, put in
 * canonical form before the handler sees it, and otherwise refused with a message that shows what
 * would do. With `nullable`, `null` is accepted too (it clears the stored value).
 */
function CanonicalField(spec: CanonicalFieldSpec, nullable: boolean): PropertyDecorator {
  const clears = nullable ? ', or null to clear it' : '';
  return applyDecorators(
    ApiProperty({
      type: String,
      required: false,
      nullable: nullable || undefined,
      maxLength: spec.maxLength,
      example: spec.example,
      description: `${spec.description}${nullable ? '; null clears it' : ''}`,
    }),
    // A value that does not parse stays as sent, so the validator below can say why.
    Transform(({ value }: { value: unknown }) => spec.canonical(value) ?? value),
    ValidateBy({
      name: spec.name,
      validator: {
        // A value that parses was put in canonical form above.
        validate: (value: unknown) =>
          value === undefined ||
          (nullable && value === null) ||
          spec.canonical(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) => {
          const value: unknown = args?.value;
          const tooLong = typeof value === 'string' && characterCount(value) > spec.maxLength;
          return tooLong
            ? `${args?.property} must be at most ${spec.maxLength} characters: ${spec.expected}`
            : `${args?.property} must be ${spec.expected}${clears}`;
        },
      },
    }),
  );
}

/**
 * The account's language, a BCP 47 tag (`de-at` is stored as `de-AT`); emails are written in the
 * closest locale the module has. `nullable` for a change, where `null` clears it.
 */
export const LocaleField = ({ nullable = false } = {}): PropertyDecorator =>
  CanonicalField(
    {
      name: 'isLanguageTag',
      canonical: canonicalLocale,
      maxLength: MAX_LOCALE_LENGTH,
      expected: 'a language tag such as en, de or pt-BR',
      example: 'de-AT',
      description:
        'The language of the emails, a BCP 47 tag; stored in canonical form (de-at becomes de-AT)',
    },
    nullable,
  );

/**
 * The account's IANA time zone (`europe/berlin` is stored as `Europe/Berlin`); dates in its emails
 * are shown in it. Offsets such as `+01:00` are refused (see `canonicalTimeZone`).
 */
export const TimeZoneField = ({ nullable = false } = {}): PropertyDecorator =>
  CanonicalField(
    {
      name: 'isTimeZone',
      canonical: canonicalTimeZone,
      maxLength: MAX_TIME_ZONE_LENGTH,
      expected: 'an IANA time zone such as Europe/Berlin or America/New_York',
      example: 'Europe/Berlin',
      description:
        'The time zone dates in emails are shown in, an IANA name (not an offset); stored in ' +
        'canonical form (europe/berlin becomes Europe/Berlin)',
    },
    nullable,
  );
