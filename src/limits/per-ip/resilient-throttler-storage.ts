import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Redis, RedisOptions } from 'ioredis';
import { describeError } from '../../common/describe-error';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Every throttle key this service writes starts with this, so it can share a Redis with others. */
export const THROTTLE_KEY_PREFIX = 'nest-password-reset:throttle:';

// These bound how long a request can wait for Redis. They are constants rather than settings: they
// only need to be well under a second and well over a healthy Redis round trip.
const CONNECT_TIMEOUT_MS = 500;
const COMMAND_TIMEOUT_MS = 400;
/** Reconnect attempts back off from 100 ms to this, and never stop. */
const RECONNECT_MAX_DELAY_MS = 2_000;
/**
 * After a command fails on a connection that still looks open (a hung Redis), requests skip Redis
 * for this long, so that not every request pays the command timeout.
 */
const SKIP_AFTER_FAILURE_MS = 1_000;

/**
 * ioredis settings for the throttle counts: fail within a fraction of a second instead of queueing
 * commands until Redis is back (ioredis's default, which made every limited route wait 5–10 s and
 * then answer 500), and keep reconnecting in the background.
 */
export function redisClientOptions(): RedisOptions {
  return {
    keyPrefix: THROTTLE_KEY_PREFIX,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // A command in flight when the connection drops fails at once rather than waiting for a reconnect.
    maxRetriesPerRequest: 0,
    // On disconnect ioredis arms a timer to destroy a socket that does not close; for a socket that
    // had already failed it runs out in full (2 s by default) and holds the process open that long.
    disconnectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) =>
      Math.min(100 * 2 ** Math.min(attempt - 1, 10), RECONNECT_MAX_DELAY_MS),
  };
}

/**
 * Per-IP counts in Redis, shared by every instance, and in this instance's memory while Redis cannot
 * answer: a Redis outage weakens the limits (each instance counts on its own) but never fails or
 * slows a request. Counts go back to Redis as soon as it answers again; what was counted in memory
 * meanwhile is not carried over. Logs one warning per outage and one line when it ends.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(ResilientThrottlerStorage.name);
  /** Whether an outage has been announced and not yet ended. */
  private down = false;
  private skipRedisUntil = 0;
  private closing = false;

  /**
   * @param redis the connection, made with {@link redisClientOptions}; this storage closes it
   * @param shared the counts in Redis (defaults to `@nest-lab/throttler-storage-redis` over `redis`)
   * @param local the counts in memory while Redis is out
   */
  constructor(
    private readonly redis: Redis,
    private readonly shared: ThrottlerStorage = new ThrottlerStorageRedisService(redis),
    private readonly local = new ThrottlerStorageService(),
  ) {
    // Without a listener ioredis would print every failed reconnect attempt to stderr.
    redis.on('error', (error: unknown) => this.markDown(error));
    redis.on('close', () => this.markDown('the connection closed'));
    redis.on('ready', () => this.markUp());
  }

  /** Connects to `url` and counts there, falling back to memory whenever it cannot answer. */
  static connect(url: string): ResilientThrottlerStorage {
    return new ResilientThrottlerStorage(new Redis(url, redisClientOptions()));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // Not ready: connecting at start-up (quietly), or an outage the events have already reported.
    if (this.redis.status === 'ready' && Date.now() >= this.skipRedisUntil) {
      try {
        const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
        this.markUp();
        return record;
      } catch (error) {
        this.skipRedisUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
        this.markDown(error);
      }
    }
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  /** Whether the counts are going to Redis, as far as the connection and the last command tell. */
  get redisUp(): boolean {
    return this.redis.status === 'ready' && !this.down;
  }

  /** Asks Redis (PING, within the command timeout) whether it answers. */
  async checkRedis(): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    try {
      await this.redis.ping();
      this.markUp();
      return true;
    } catch (error) {
      this.markDown(error);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.closing = true;
    this.redis.disconnect();
    this.local.onApplicationShutdown();
  }

  private markDown(cause: unknown): void {
    if (this.down || this.closing) return;
    this.down = true;
    const reason = typeof cause === 'string' ? cause : describeError(cause);
    this.logger.warn(
      `Redis for the per-IP limits is unreachable (${reason}): counting in memory on this ` +
        'instance until it is back',
    );
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis for the per-IP limits is back: counting there again');
  }
}
