import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Queue } from 'bullmq';
import { expirySchedulerId, QUEUES, retentionSchedulerId, reviewFollowUpSchedulerId } from '../../src/queue/jobs.ts';
import { keepSchedules, SCHEDULES_EVERY_MS } from '../../src/schedules.ts';
import { dropRedisKeys, testBackend } from '../support/backend.ts';
import { startJifen, type Harness } from '../support/jifen.ts';

describe(`job schedulers (${testBackend})`, () => {
  let jifen: Harness;
  let pipeline: Queue;
  beforeAll(async () => {
    jifen = await startJifen({ workers: false });
    pipeline = jifen.context.jobs.backend.queue(QUEUES.pipeline) as unknown as Queue;
  });
  afterAll(async () => {
    await pipeline?.close();
    await jifen?.close();
  });
  afterEach(() => { vi.useRealTimers(); });

  const weekly = () => jifen.context.jobs.weekly as unknown as Queue;
  const schedulers = async () => ({
    weekly: (await weekly().getJobSchedulers()).map((s) => s.key),
    pipeline: (await pipeline.getJobSchedulers()).map((s) => s.key).sort(),
  });
  const everyScheduler = { weekly: ['weekly-fangniuping'], pipeline: [expirySchedulerId('fangniuping'), retentionSchedulerId('fangniuping'), reviewFollowUpSchedulerId('fangniuping')].sort() };

  /** The queue forgets everything: a Redis flushed (only this suite's keys), or the schedulers removed on PostgreSQL. */
  async function loseQueueData(): Promise<void> {
    const { redisUrl, queuePrefix } = jifen.context.config;
    if (redisUrl) return dropRedisKeys(redisUrl, queuePrefix);
    await weekly().removeJobScheduler('weekly-fangniuping');
    await pipeline.removeJobScheduler(expirySchedulerId('fangniuping'));
    await pipeline.removeJobScheduler(reviewFollowUpSchedulerId('fangniuping'));
    await pipeline.removeJobScheduler(retentionSchedulerId('fangniuping'));
  }

  it('the weekly, expiry, retention and review follow-up schedulers a queue lost are back within a minute, not only at the next start-up', async () => {
    // Only the keeper's period is simulated; the queue and the database run for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const kept = keepSchedules(jifen.context);
    try {
      await kept.first;
      expect(await schedulers()).toEqual(everyScheduler);
      await loseQueueData();
      expect(await schedulers()).toEqual({ weekly: [], pipeline: [] });
      await vi.advanceTimersByTimeAsync(SCHEDULES_EVERY_MS);
      await jifen.waitFor(async () => {
        const now = await schedulers();
        return now.weekly.length > 0 && now.pipeline.length === everyScheduler.pipeline.length && now;
      }, 'the schedulers back');
      expect(await schedulers()).toEqual(everyScheduler);
    } finally {
      kept.stop();
    }
  });
});
