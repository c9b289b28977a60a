import { PasswordResetRequestedEvent } from '../events/password-reset-events';
import { EmailQueueListener } from './email-queue.listener';
import type { EmailQueueProcessor } from './email-queue.processor';

describe(EmailQueueListener.name, () => {
  const start = new Date('2030-01-01T00:00:00.000Z');
  let wakes: number[];
  let listener: EmailQueueListener;

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    wakes = [];
    const processor = {
      wake: () => {
        wakes.push(Date.now());
        return Promise.resolve();
      },
    };
    listener = new EmailQueueListener(processor as unknown as EmailQueueProcessor);
  });

  afterEach(() => {
    listener.onApplicationShutdown();
    jest.useRealTimers();
  });

  const requested = (delayMs: number) =>
    new PasswordResetRequestedEvent('id', start, new Date(start.getTime() + delayMs));

  it('should wake the processor at once for a request due now', async () => {
    await listener.onResetRequested(requested(0));
    expect(wakes).toEqual([start.getTime()]);
  });

  it('should wake the processor when a later request is due, never before', async () => {
    await listener.onResetRequested(requested(437));

    jest.advanceTimersByTime(436);
    expect(wakes).toEqual([]);
    jest.advanceTimersByTime(10);
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toBeGreaterThanOrEqual(start.getTime() + 437);
  });

  it('should share one timer between requests due in the same slot', async () => {
    await Promise.all([401, 403, 409].map((delay) => listener.onResetRequested(requested(delay))));
    await listener.onResetRequested(requested(900));

    jest.advanceTimersByTime(1000);
    expect(wakes).toEqual([start.getTime() + 410, start.getTime() + 900]);
  });

  it('should drop pending wake-ups on shutdown', async () => {
    await listener.onResetRequested(requested(500));
    listener.onApplicationShutdown();

    jest.advanceTimersByTime(1000);
    expect(wakes).toEqual([]);
  });

  it('should wake at once for a password-changed notice', async () => {
    await listener.onPasswordChanged();
    expect(wakes).toEqual([start.getTime()]);
  });
});
