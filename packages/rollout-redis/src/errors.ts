/** Redis could not be reached for longer than the learner waits; the run's last checkpoint is untouched. */
export class RedisUnreachableError extends Error {
  readonly url: string;
  readonly waitedMs: number;
  constructor(url: string, waitedMs: number, cause: unknown) {
    super(
      `Redis at ${url} unreachable for ${(waitedMs / 1000).toFixed(1)} s (${
        cause instanceof Error ? cause.message : String(cause)
      }); the rollout was abandoned and the run's last checkpoint is intact — start Redis and resume`,
      { cause },
    );
    this.name = 'RedisUnreachableError';
    this.url = url;
    this.waitedMs = waitedMs;
  }
}

/** A rollout job that failed on every attempt; the run stops with the worker's error. */
export class RolloutJobFailedError extends Error {
  readonly jobId: string;
  readonly attempts: number;
  readonly reason: string;
  constructor(jobId: string, attempts: number, reason: string) {
    super(`Rollout job ${jobId} failed after ${attempts} attempt(s): ${reason}`);
    this.name = 'RolloutJobFailedError';
    this.jobId = jobId;
    this.attempts = attempts;
    this.reason = reason;
  }
}
