import { ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';

/** Keys that could reach an object's prototype if a body were merged somewhere; never valid input. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The body itself is level 1. No DTO nests anywhere near this deep. */
export const MAX_BODY_DEPTH = 32;

/**
 * Walks the parsed body with an explicit stack, never recursion: class-transformer and
 * class-validator recurse into whatever they are given, and a 20 kB body of `[[[…]]]` is enough to
 * overflow the call stack (a 500 and a stack trace in the log). Depth is checked here first, so they
 * only ever see bodies at most {@link MAX_BODY_DEPTH} levels deep.
 */
function findBodyProblem(body: object): string | undefined {
  const stack: { value: object; depth: number }[] = [{ value: body, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.depth > MAX_BODY_DEPTH) {
      return `The request body is nested too deeply (at most ${MAX_BODY_DEPTH} levels)`;
    }
    for (const key of Object.keys(item.value)) {
      if (FORBIDDEN_KEYS.has(key)) return `property ${key} should not exist`;
      const child: unknown = (item.value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        stack.push({ value: child, depth: item.depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The global pipe: unknown fields, wrong types, non-object bodies, prototype keys and bodies nested
 * deeper than {@link MAX_BODY_DEPTH} levels are a 400 with a message that names the problem; DTOs
 * come out typed and transformed.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestException('The request body must be a JSON object');
      }
      const problem = findBodyProblem(value);
      if (problem) throw new BadRequestException(problem);
    }
    return super.transform(value, metadata);
  }
}
