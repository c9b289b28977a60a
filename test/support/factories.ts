import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

/** Passwords that pass the default policy (score ≥ 3). */
export const STRONG_PASSWORD = 'violet tractor sings at midnight';
export const OTHER_STRONG_PASSWORD = 'amber otter juggles seven lanterns';
export const THIRD_STRONG_PASSWORD = 'quiet harbor mosaic drifts north';

/** A fresh address per call, so tests never share an account. */
export function newEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

export interface RegisteredUser {
  id: string;
  email: string;
  password: string;
}

/** Registers through the API, as a client would. */
export async function registerUser(
  app: Pick<TestApp, 'http'>,
  email = newEmail(),
  password = STRONG_PASSWORD,
): Promise<RegisteredUser> {
  const response = await app.http().post('/auth/register').send({ email, password }).expect(201);
  return { id: response.body.id as string, email, password };
}

/** Logs in through the API and returns the access token. */
export async function login(
  app: Pick<TestApp, 'http'>,
  email: string,
  password: string,
): Promise<string> {
  const response = await app.http().post('/auth/login').send({ email, password }).expect(200);
  return response.body.accessToken as string;
}
