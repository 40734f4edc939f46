package io.ffmpegqueue.amqp;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, publishes again the Celery results of the tasks that ended in the last minutes, from the tasks as
 * the backend has them: a process that died between a task's end and the broker's confirm of its result took
 * that result with it, and the task (in a shared backend, PostgreSQL or Redis) is where it can be made again.
 * A process that starts after another crashed (a restarted container, or one more replica) so publishes what
 * the dead one had not; the Celery client takes a repeated result as the same one. Results the broker had
 * confirmed go out again too, which is the price of not recording each confirm in the backend.
 */
final class ResultRecovery {
  private static final Logger log = LoggerFactory.getLogger(ResultRecovery.class);
  /** How far back results are published again. */
  static final Duration WINDOW = Duration.ofMinutes(2);
  /** The most final tasks read per status. */
  private static final int MAX_READ = 20_000;

  private ResultRecovery() {}

  /** Publishes the results of the Celery tasks that ended at {@code since} or later; returns how many. */
  static int republish(FfmpegQueueClient client, CeleryReplies replies, Instant since) {
    int published = 0;
    for (TaskStatus status : List.of(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)) {
      for (int offset = 0; offset < MAX_READ; offset += TaskQuery.MAX_LIMIT) {
        List<Task> page = client.list(new TaskQuery(status, TaskQuery.MAX_LIMIT, offset));
        for (Task t : page) {
          if (t.finishedAt() != null && !t.finishedAt().isBefore(since)
              && t.request().metadata().containsKey(CeleryReplies.REPLY_TO_KEY)) {
            replies.answer(t, t.finishedAt());
            published++;
          }
        }
        if (page.size() < TaskQuery.MAX_LIMIT) {
          break;
        }
      }
    }
    if (published > 0) {
      log.info("published again the results of {} Celery task(s) that ended since {}", published, since);
    }
    return published;
  }
}
