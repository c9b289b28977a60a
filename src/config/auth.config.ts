import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { loadEnvironment } from './environment';
import { Secret } from './secret';

/** Access tokens, password hashing and password policy. */
export interface AuthConfig {
  jwtSecret: Secret;
  jwtExpiresIn: string;
  passwordMinScore: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
}

/** One random secret per process, however many modules read the namespace. */
let processSecret: string | undefined;

function randomProcessSecret(): string {
  if (processSecret === undefined) {
    processSecret = randomBytes(48).toString('base64url');
    new Logger('Config').warn(
      'JWT_SECRET is not set: using a random secret for this process; access tokens will not survive a restart',
    );
  }
  return processSecret;
}

export const authConfig = registerAs('auth', (): AuthConfig => {
  const env = loadEnvironment();
  // Validation demands JWT_SECRET in production, so the random fallback only ever runs outside it.
  const jwtSecret = env.JWT_SECRET ?? randomProcessSecret();
  return {
    jwtSecret: new Secret(jwtSecret),
    jwtExpiresIn: env.JWT_EXPIRES_IN,
    passwordMinScore: env.PASSWORD_MIN_SCORE,
    argon2: {
      memoryCost: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
  };
});
