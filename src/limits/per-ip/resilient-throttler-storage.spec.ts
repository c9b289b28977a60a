import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import {
  redisClientOptions,
  ResilientThrottlerStorage,
  THROTTLE_KEY_PREFIX,
} from './resilient-throttler-storage';

type Record = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What the wrapper uses of an ioredis client: its status, its events, PING and disconnect. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  pingFails = false;
  readonly ping = jest.fn(() =>
    this.pingFails ? Promise.reject(new Error('Command timed out')) : Promise.resolve('PONG'),
  );
  readonly disconnect = jest.fn(() => {
    this.status = 'end';
  });

  /** The connection drops as when the server dies: 'close', then failed reconnects. */
  drop(): void {
    this.status = 'reconnecting';
    this.emit('close');
    this.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    this.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }

  comeBack(): void {
    this.status = 'ready';
    this.emit('ready');
  }
}

const FROM_REDIS: Record = {
  totalHits: 42,
  timeToExpire: 60,
  isBlocked: false,
  timeToBlockExpire: 0,
};

function setUp(status = 'ready') {
  const redis = new FakeRedis();
  redis.status = status;
  let sharedFails = false;
  const shared = {
    increment: jest.fn(() =>
      sharedFails ? Promise.reject(new Error('Command timed out')) : Promise.resolve(FROM_REDIS),
    ),
  };
  const storage = new ResilientThrottlerStorage(redis as unknown as Redis, shared);
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const hit = () => storage.increment('key', 60_000, 2, 60_000, 'login');
  return {
    redis,
    shared,
    storage,
    warn,
    log,
    hit,
    failCommands: (fails: boolean) => (sharedFails = fails),
  };
}

describe(ResilientThrottlerStorage.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should count in Redis while it is ready', async () => {
    const { shared, hit, warn } = setUp();
    await expect(hit()).resolves.toEqual(FROM_REDIS);
    expect(shared.increment).toHaveBeenCalledWith('key', 60_000, 2, 60_000, 'login');
    expect(warn).not.toHaveBeenCalled();
  });

  it('should count in memory, and still block past the limit, while Redis is not ready', async () => {
    const { redis, shared, hit } = setUp();
    redis.drop();
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(false);
    const third = await hit();
    expect(third.isBlocked).toBe(true);
    expect(third.totalHits).toBe(3);
    expect(shared.increment).not.toHaveBeenCalled();
  });

  it('should count in memory when a Redis command fails', async () => {
    const { hit, failCommands } = setUp();
    failCommands(true);
    await expect(hit()).resolves.toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('should not ask Redis again for a moment after a command failed on an open connection', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { shared, hit, failCommands } = setUp();
    failCommands(true);
    await hit();
    await hit();
    expect(shared.increment).toHaveBeenCalledTimes(1);

    failCommands(false);
    now += 1_000;
    await expect(hit()).resolves.toEqual(FROM_REDIS);
    expect(shared.increment).toHaveBeenCalledTimes(2);
  });

  it('should warn once per outage and say once when Redis is back', async () => {
    const { redis, hit, warn, log, failCommands } = setUp();
    redis.drop();
    for (let i = 0; i < 10; i++) await hit();
    redis.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/redis.*unreachable.*memory/i);
    expect(log).not.toHaveBeenCalled();

    redis.comeBack();
    await hit();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/redis.*back/i);

    // The next outage is a new one.
    failCommands(true);
    await hit();
    await hit();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('should stay quiet while the first connection is still being made', async () => {
    const { hit, warn, shared } = setUp('connecting');
    await hit();
    expect(shared.increment).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('should report Redis up only when it is ready and answers PING', async () => {
    const { redis, storage } = setUp();
    expect(storage.redisUp).toBe(true);
    await expect(storage.checkRedis()).resolves.toBe(true);

    redis.pingFails = true;
    await expect(storage.checkRedis()).resolves.toBe(false);
    expect(storage.redisUp).toBe(false);

    redis.pingFails = false;
    redis.drop();
    expect(storage.redisUp).toBe(false);
    await expect(storage.checkRedis()).resolves.toBe(false);
    expect(redis.ping).toHaveBeenCalledTimes(2);

    redis.comeBack();
    expect(storage.redisUp).toBe(true);
  });

  it('should close the connection on shutdown without warning about it', () => {
    const { redis, storage, warn } = setUp();
    storage.onApplicationShutdown();
    redis.emit('close');
    expect(redis.disconnect).toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('should give ioredis settings that fail fast and keep reconnecting in the background', () => {
    const options = redisClientOptions();
    expect(options).toMatchObject({
      keyPrefix: THROTTLE_KEY_PREFIX,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    expect(options.connectTimeout).toBeLessThanOrEqual(1_000);
    expect(options.commandTimeout).toBeLessThanOrEqual(500);
    const delays = [1, 2, 3, 10, 1_000].map((attempt) => options.retryStrategy!(attempt));
    expect(delays.every((delay) => typeof delay === 'number' && delay > 0)).toBe(true);
    expect(delays).toEqual([...(delays as number[])].sort((a, b) => a - b));
    expect(delays[4]).toBeLessThanOrEqual(5_000);
  });
});
