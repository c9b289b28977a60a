import { Transform } from 'class-transformer';

/** Trims and lower-cases an email before validation, so `" Alice@Example.COM "` is `alice@example.com`. */
export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );
