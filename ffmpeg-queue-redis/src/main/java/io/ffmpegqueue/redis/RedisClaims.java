package io.ffmpegqueue.redis;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.List;

/**
 * A claim that waits for work: the claim script, then, while it finds nothing and the claim's wait has not passed,
 * a wait for the next notice on the queue's channel ({@link WakeUps}), the next delayed task's due time, or the
 * safety-net poll, whichever comes first.
 */
final class RedisClaims {
  // While the subscription is down, claimers poll at least this often.
  private static final long UNHEARD_POLL_NANOS = Duration.ofSeconds(1).toNanos();

  private final RedisConnection redis;
  private final Scripts scripts;
  private final WakeUps wakeUps;
  private final long pollNanos;

  RedisClaims(RedisConnection redis, Scripts scripts, WakeUps wakeUps, Duration pollInterval) {
    this.redis = redis;
    this.scripts = scripts;
    this.wakeUps = wakeUps;
    this.pollNanos = pollInterval.toNanos();
  }

  /** Claims tasks for {@code request}, waiting up to its {@code maxWait} for some; see the class comment. */
  List<Lease> claim(ClaimRequest request) throws InterruptedException {
    long deadline = System.nanoTime() + request.maxWait().toNanos();
    while (true) {
      long seen = wakeUps.generation();
      List<?> r;
      try {
        r = scripts.list(Script.CLAIM, ScriptArgs.claim(request, List.of()));
      } catch (RedisCommandInterruptedException e) {
        throw new InterruptedException("claim interrupted"); // the queue is closing
      } catch (RedisException e) {
        throw new FfmpegQueueException("Redis: claim tasks failed: " + e.getMessage(), e);
      }
      List<Lease> leases = ScriptArgs.leases(r, 0, request.workerId());
      long left = deadline - System.nanoTime();
      if (!leases.isEmpty() || left <= 0) {
        return leases;
      }
      long wait = Math.min(left, redis.listening() ? pollNanos : Math.min(pollNanos, UNHEARD_POLL_NANOS));
      long dueMicros = (Long) r.get(0);
      if (dueMicros > 0) {
        wait = Math.min(wait, dueMicros * 1000L);
      }
      wakeUps.await(seen, wait);
    }
  }
}
