package io.ffmpegqueue.spi;

import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import java.util.List;
import java.util.Optional;

/**
 * Optional SPI: managing the tasks a backend holds, for operators and dashboards: retry, delete, search and
 * statistics. A backend offers it through {@link QueueBackend#admin()}; the in-memory, PostgreSQL and Redis
 * backends do. {@code QueueBackendContract} checks it.
 *
 * <pre>{@code
 * TaskAdmin admin = backend.admin().orElseThrow();
 * admin.retry(id); // a FAILED task runs again
 * }</pre>
 */
public interface TaskAdmin {

  /**
   * Puts a FAILED or CANCELLED task back to PENDING, due now, as a new series of attempts: its attempt count
   * starts again from 0 and the series that ended is kept ({@link #history}); its error, outputs and webhook
   * delivery are cleared (it will get a new one when it ends again). Other states are left as they are.
   *
   * @return the task after the call and whether it changed, or empty when there is no such task
   */
  Optional<CancelResult> retry(TaskId id);

  /**
   * Removes a final task (COMPLETED, FAILED or CANCELLED) with its webhook delivery and history; PENDING and
   * RUNNING tasks are left as they are. Stored outputs are the caller's to remove ({@code Storage#delete}).
   *
   * @return the task as it was and whether it was removed, or empty when there is no such task
   */
  Optional<CancelResult> delete(TaskId id);

  /** The attempt series of a task that ended before its retries, oldest first (empty when it was never retried). */
  List<AttemptSeries> history(TaskId id);

  /**
   * A page of tasks, see {@link TaskSearch}; a search that {@link TaskSearch#scans() scans} looks at no more
   * than {@link TaskSearch#SCAN_LIMIT} tasks for the page (a backend that holds every task in memory may look at
   * them all).
   */
  TaskPage search(TaskSearch search);

  /** Counts, throughput and timings, see {@link QueueStats}. */
  QueueStats stats();
}
