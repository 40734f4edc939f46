package io.ffmpegqueue.bench.core;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.ApplyStateFilter;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.InMemoryStorageProvider;

/**
 * JobRunr with its {@link InMemoryStorageProvider} and the shortest poll interval that storage allows
 * (200 ms; JobRunr refuses less), running a static no-op method as each job.
 */
final class JobRunrSystem implements NoOpSystem {
  /** JobRunr's floor for the in-memory storage. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);


  private final JobScheduler scheduler;
  private final LongAdder succeeded = new LongAdder();
  private final int workers;

  JobRunrSystem(int workers, StartTimes starts) {
    this.workers = workers;
    NoOpJob.current = starts;
    NoOpJob.RAN.reset();
    ApplyStateFilter countSucceeded = new ApplyStateFilter() {
      @Override
      public void onStateApplied(Job job, JobState oldState, JobState newState) {
        if (newState.getName() == StateName.SUCCEEDED) {
          succeeded.increment();
        }
      }
    };
    scheduler = JobRunr.configure()
        .useStorageProvider(new InMemoryStorageProvider())
        .withJobFilter(countSucceeded)
        .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
            .andPollInterval(POLL_INTERVAL)
            .andWorkerCount(workers))
        .initialize()
        .getJobScheduler();
  }

  /** The job: records its start. Public, as JobRunr calls it by name through reflection. */
  public static final class NoOpJob {
    // JobRunr calls the static method from its own threads: it finds the run's recorder here.
    static volatile StartTimes current = StartTimes.NONE;
    static final LongAdder RAN = new LongAdder();

    private NoOpJob() {}

    /** Records that job {@code seq} started. */
    public static void run(int seq) {
      current.started(seq);
      RAN.increment();
    }
  }

  @Override
  public String name() {
    return "JobRunr 8.1.0 (in-memory, " + POLL_INTERVAL.toMillis() + " ms poll, " + workers + " workers)";
  }

  @Override
  public void submit(int seq) {
    scheduler.enqueue(() -> NoOpJob.run(seq));
  }

  @Override
  public long ran() {
    return NoOpJob.RAN.sum();
  }

  @Override
  public boolean finished(int submitted) {
    return succeeded.sum() >= submitted;
  }

  @Override
  public void close() {
    JobRunr.destroy();
    NoOpJob.current = StartTimes.NONE;
  }
}
