import type { PasswordResetModuleOptions } from '../../../src';

/**
 * The one place the embedding tests spell the module's option names, so a renamed option is a
 * one-line change here.
 */

/** Generous enough that only the tests about per-IP limits ever meet one. */
const GENEROUS_PER_IP_LIMIT = { limit: 10_000, windowSeconds: 60 };

export interface TestModuleOptionsInput {
  frontendUrl: string;
  /** Omitted: the module's default (`/reset-password`). */
  resetPath?: string;
  appName?: string;
  /** The per-IP limit on `POST auth/forgot-password`; generous unless a test is about it. */
  forgotPasswordPerIp?: { limit: number; windowSeconds: number };
  /** Built-in users only: the access-token secret (32 characters or more). */
  jwtSecret?: string;
}

/**
 * Options for a test host: cheap argon2, no per-address cooldown (several emails to one address),
 * delivery polled every second, and per-IP limits out of the way unless asked for.
 */
export function testModuleOptions(input: TestModuleOptionsInput): PasswordResetModuleOptions {
  return {
    frontendUrl: input.frontendUrl,
    ...(input.resetPath === undefined ? {} : { resetPath: input.resetPath }),
    appName: input.appName ?? 'Host Identity',
    argon2: { memoryCost: 1024, timeCost: 2, parallelism: 1 },
    limits: {
      resetEmailCooldownSeconds: 0,
      perIp: {
        forgotPassword: input.forgotPasswordPerIp ?? GENEROUS_PER_IP_LIMIT,
        resetPassword: GENEROUS_PER_IP_LIMIT,
        login: GENEROUS_PER_IP_LIMIT,
        register: GENEROUS_PER_IP_LIMIT,
        changePassword: GENEROUS_PER_IP_LIMIT,
      },
    },
    delivery: { pollIntervalSeconds: 1, retryBaseSeconds: 1 },
    ...(input.jwtSecret === undefined ? {} : { jwt: { secret: input.jwtSecret } }),
  };
}
