import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PasswordResetError, PasswordResetErrorCode } from '../../errors/password-reset-error';
import { PASSWORD_RESET_SETTINGS } from '../../password-reset.constants';
import type { PasswordResetSettings } from '../../password-reset.options';
import { passwordMessages } from '../messages/password-messages';
import { RangeCache } from './range-cache';

/** The longest a lookup may take, answer read included, before the check counts as not done. */
export const BREACH_CHECK_TIMEOUT_MS = 1500;

/** A range answer is used this long: the lists change slowly, and a day bounds how stale one is. */
const RANGE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Prefixes kept. An answer is about a thousand lines; only the suffixes counted often enough are
 * kept, so the cache stays within a few tens of megabytes however busy the service is.
 */
const RANGE_CACHE_ENTRIES = 512;

/** An answer larger than this is no range (a real one, padded, is tens of kilobytes). */
const MAX_RANGE_BYTES = 1024 * 1024;

/** `SUFFIX:COUNT`: the 35 hex characters after the prefix, and how often breaches held them. */
const RANGE_LINE = /^([0-9A-F]{35}):(\d+)$/;

/**
 * Refuses passwords known from data breaches through a Pwned Passwords range endpoint
 * (k-anonymity): only the first 5 hex characters of the password's SHA-1 leave the process, with
 * `Add-Padding: true` so the answer's size says nothing of the prefix either; the rest of the hash
 * is compared here. Answers are cached per prefix. An endpoint that does not answer in time skips
 * the check (one warning per outage) or, failing closed, refuses with `UNAVAILABLE`.
 */
@Injectable()
export class BreachedPasswordChecker {
  private readonly logger = new Logger(BreachedPasswordChecker.name);
  private readonly url?: string;
  private readonly minCount: number;
  private readonly failClosed: boolean;
  /** Per prefix: `\n`-separated suffixes seen at least `minCount` times, between `\n`s. */
  private readonly cache = new RangeCache<string>({
    maxEntries: RANGE_CACHE_ENTRIES,
    ttlMs: RANGE_TTL_MS,
  });
  /** Lookups under way, so concurrent checks of one prefix make one request. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Set from the first failure until the next answer, so an outage is logged once. */
  private outage = false;

  constructor(@Inject(PASSWORD_RESET_SETTINGS) settings: PasswordResetSettings) {
    const policy = settings.passwordPolicy;
    this.url = policy.pwnedPasswordsUrl;
    this.minCount = policy.pwnedPasswordsMinCount;
    this.failClosed = policy.pwnedPasswordsFailClosed;
  }

  /** Whether the check is configured at all. */
  get enabled(): boolean {
    return this.url !== undefined;
  }

  /**
   * Whether `password` appears in breaches at least the minimum count. `false` when the check is
   * off or could not be done (failing open); failing closed, that throws `UNAVAILABLE`, worded in
   * `locale`.
   */
  async isBreached(password: string, locale?: string): Promise<boolean> {
    if (this.url === undefined) return false;
    const hash = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = hash.slice(0, 5);
    let suffixes: string;
    try {
      suffixes = await this.range(this.url, prefix);
    } catch (error) {
      this.reportOutage(error);
      if (!this.failClosed) return false;
      throw new PasswordResetError(
        PasswordResetErrorCode.Unavailable,
        passwordMessages(locale).breachCheckUnavailable,
      );
    }
    return suffixes.includes(`\n${hash.slice(5)}\n`);
  }

  /** The range of `prefix`, from the cache or the endpoint (one request per prefix at a time). */
  private range(url: string, prefix: string): Promise<string> {
    const cached = this.cache.get(prefix);
    if (cached !== undefined) return Promise.resolve(cached);
    let lookup = this.pending.get(prefix);
    if (lookup === undefined) {
      lookup = this.fetchRange(url, prefix).finally(() => this.pending.delete(prefix));
      this.pending.set(prefix, lookup);
    }
    return lookup;
  }

  private async fetchRange(url: string, prefix: string): Promise<string> {
    const response = await fetch(`${url}${prefix}`, {
      headers: { 'Add-Padding': 'true', Accept: 'text/plain' },
      // The prefix goes to the endpoint configured, nowhere a redirect points.
      redirect: 'error',
      signal: AbortSignal.timeout(BREACH_CHECK_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`answered HTTP ${response.status}`);
    }
    const suffixes = this.parse(await readCapped(response));
    this.cache.set(prefix, suffixes);
    if (this.outage) {
      this.outage = false;
      this.logger.log('The breached-password endpoint answers again; new passwords are checked');
    }
    return suffixes;
  }

  /** The suffixes counted at least `minCount` times (padding entries count 0), as cached. */
  private parse(body: string): string {
    let lines = 0;
    const kept: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim().toUpperCase();
      if (line === '') continue;
      const match = RANGE_LINE.exec(line);
      if (!match) throw new Error('answered something that is not a range of SUFFIX:COUNT lines');
      lines++;
      if (Number(match[2]) >= this.minCount) kept.push(match[1]);
    }
    // A real range always lists suffixes: an empty one is as suspect as a page of HTML.
    if (lines === 0) throw new Error('answered an empty range');
    return `\n${kept.join('\n')}\n`;
  }

  /** Logs the first failure of an outage; never the prefix, which would narrow the password down. */
  private reportOutage(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    const host = URL.canParse(this.url!) ? new URL(this.url!).host : 'the endpoint';
    const then = this.failClosed
      ? 'new passwords are refused (503 UNAVAILABLE)'
      : 'new passwords are accepted without this check';
    this.logger.warn(
      `Breached-password check not done: ${host} ${describeFailure(error)}; ${then} until it answers again`,
    );
  }
}

/** The body as text, refused past {@link MAX_RANGE_BYTES}. */
async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RANGE_BYTES) {
      await reader.cancel();
      throw new Error('answered more than a range holds');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What went wrong, in words that hold no URL (a URL would hold the prefix). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  if (error.name === 'TimeoutError') return `did not answer within ${BREACH_CHECK_TIMEOUT_MS} ms`;
  if (error.message.startsWith('answered')) return error.message;
  const cause = (error.cause as { code?: unknown } | undefined)?.code;
  return `could not be reached (${typeof cause === 'string' ? cause : error.name})`;
}
