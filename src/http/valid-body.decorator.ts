import { BadRequestException, createParamDecorator, ExecutionContext, Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { Request } from 'express';

/** Keys that could reach an object's prototype if a body were merged somewhere; never valid input. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The body itself is level 1. No body of the module nests anywhere near this deep. */
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

/** One message per problem, in the order class-validator found them (depth is bounded above). */
function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...messagesOf(error.children ?? []),
  ]);
}

/**
 * `body` as an instance of `type`, transformed and checked, or a 400 that names every problem:
 * unknown fields, wrong types, non-object bodies, prototype keys and bodies nested deeper than
 * {@link MAX_BODY_DEPTH} levels. The answer is the one Nest's `ValidationPipe` gives by default.
 * Synchronous (the module's bodies have no async validators), so it can run in a param decorator.
 */
export function validateBody<T extends object>(type: Type<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestException('The request body must be a JSON object');
  }
  const problem = findBodyProblem(body);
  if (problem) throw new BadRequestException(problem);
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new BadRequestException(messagesOf(errors));
  return instance;
}

/**
 * How a handler declares a body taken with {@link ValidBody}: the DTO's shape, but not its class.
 * Pipes learn a parameter's class from the type TypeScript records for it (`design:paramtypes`); for
 * this type it records `Object`, which a host's global `ValidationPipe` leaves as it is, even with
 * `validateCustomDecorators`, so it cannot re-validate, strip (`whitelist`,
 * `excludeExtraneousValues`) or refuse in its own shape what the module has checked.
 */
export type Valid<T> = Readonly<T>;

const validBody = createParamDecorator((type: Type<object>, context: ExecutionContext): object =>
  validateBody(type, context.switchToHttp().getRequest<Request>().body),
);

/**
 * The request body, checked against `type` by the module itself, and documented as `type`. The check
 * runs while the arguments are gathered, before any pipe, the host's global ones included: those
 * run first on a plain `@Body()`, so a host's `ValidationPipe` would answer the module's bad bodies
 * in its own shape (often a 422), strip unknown fields the module refuses, or overflow the stack on
 * a deeply nested body before the module could check it. Declare the parameter as {@link Valid}.
 */
export const ValidBody =
  (type: Type<object>): ParameterDecorator =>
  (target, key, index) => {
    validBody(type)(target, key, index);
    // Swagger reads a body's schema from the parameter's type, which is no longer the DTO.
    if (key !== undefined) {
      const method = Object.getOwnPropertyDescriptor(target, key);
      if (method) ApiBody({ type })(target, key, method);
    }
  };
