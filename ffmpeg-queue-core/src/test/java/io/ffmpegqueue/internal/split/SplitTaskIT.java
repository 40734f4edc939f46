package io.ffmpegqueue.internal.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Split;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.ForwardingQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Split tasks through {@link FfmpegQueue} with the real ffmpeg on a short generated input (6 s, 2 s segments:
 * three video parts and the audio part): the parts run as tasks on the in-memory backend's graph and the task's
 * one output is frame-exact.
 */
@ParameterizedClass(name = "{0} ffmpeg")
@EnumSource(TestFfmpeg.Build.class)
class SplitTaskIT {
  private static final String COMMAND = "-i in.mp4 -c:v libx264 -preset ultrafast -crf 20 -c:a aac -b:a 96k out.mp4";

  @Parameter
  TestFfmpeg.Build build;

  @TempDir
  Path dir;

  Path media;
  InMemoryQueueBackend backend;

  @BeforeEach
  void setUp() throws Exception {
    media = Files.createDirectories(dir.resolve("media"));
    backend = InMemoryQueueBackend.create();
  }

  private FfmpegQueue queue(FfmpegRunner runner) {
    return queue(runner, backend, 2);
  }

  private FfmpegQueue queue(FfmpegRunner runner, QueueBackend backend, int workers) {
    return FfmpegQueue.builder().backend(backend)
        .pollWait(Duration.ofMillis(200)).leaseDuration(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofMillis(200)).reapInterval(Duration.ofMillis(200))
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build())
        .fetcher(FileInputFetcher.allowing(media)).runner(runner)
        .storage(LocalStorage.at(dir.resolve("outputs"))).workspaceRoot(dir.resolve("work")).workers(workers).build();
  }

  /** The real runner; the stitch's concat list needs the concat demuxer allowed. */
  private FfmpegRunner realRunner() {
    return ProcessFfmpegRunner.builder().installation(build.installation()).sandbox(Sandbox.AUTO)
        .policy(CommandPolicy.builder().allowInputFormats("concat").build()).build();
  }

  private Path input(int seconds) {
    TestFfmpeg.ffmpeg(media, "-f", "lavfi", "-i", "testsrc2=d=" + seconds + ":s=320x240:r=25", "-f", "lavfi", "-i",
        "sine=f=440:d=" + seconds + ":r=48000", "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "in.mp4");
    return media.resolve("in.mp4");
  }

  private static TaskRequest request(Path in) {
    return TaskRequest.builder().command(COMMAND).input("in.mp4", in.toUri()).output("out.mp4")
        .maxAttempts(3).split(new Split(2)).build();
  }

  @Test
  void a_split_task_ends_frame_exact_with_one_output_even_when_a_part_fails_once_and_is_retried() throws Exception {
    Path in = input(6);
    FfmpegRunner real = realRunner();
    AtomicInteger injected = new AtomicInteger();
    FfmpegRunner flaky = job -> {
      if (job.outputs().contains("part-00001.mp4") && injected.getAndIncrement() == 0) {
        throw new TaskFailureException(ErrorKind.FFMPEG, "injected: the first run of part 1 fails", true);
      }
      return real.run(job);
    };
    try (FfmpegQueue queue = queue(flaky)) {
      Submission s = queue.submit(request(in));
      Task done = s.completion().get(120, TimeUnit.SECONDS);
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.attempt()).as("the run that split it was not counted").isEqualTo(1);
      List<Task> parts = SplitParts.of(backend, done);
      assertThat(parts).hasSize(4).allMatch(p -> p.status() == TaskStatus.COMPLETED);
      assertThat(parts).filteredOn(p -> "1".equals(SplitParts.place(p))).singleElement()
          .satisfies(p -> assertThat(p.attempt()).as("part 1 was retried").isEqualTo(2));
      assertThat(done.outputs()).singleElement().satisfies(o -> assertThat(o.name()).isEqualTo("out.mp4"));
      assertThat(TaskJson.toJson(done, backend::find).toString())
          .contains("\"split\":{\"segment_seconds\":2.0,\"parts\":3,\"parts_completed\":3}");

      Path out = Path.of(done.outputs().get(0).uri());
      Files.copy(out, media.resolve("out.mp4"));
      SplitMedia m = new SplitMedia(build.installation(), media);
      SourceMedia source = m.probe("in.mp4");
      SourceMedia result = m.probe("out.mp4");
      assertThat(m.decodedFrames("out.mp4")).isEqualTo(150);
      assertThat(result.durationSeconds()).isCloseTo(source.durationSeconds(), within(1 / 25.0));
      assertThat(m.decodedAudioSeconds("out.mp4")).isCloseTo(m.decodedAudioSeconds("in.mp4"), within(0.025));
      assertThat(result.audioStartSeconds()).isCloseTo(source.audioStartSeconds(), within(0.025));
    }
  }

  @Test
  void an_input_shorter_than_two_segments_runs_in_one_piece() throws Exception {
    Path in = input(3);
    try (FfmpegQueue queue = queue(realRunner())) {
      Task done = queue.submit(request(in)).completion().get(120, TimeUnit.SECONDS);
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.dependsOn()).as("no parts").isEmpty();
      assertThat(backend.list(TaskQuery.of(TaskStatus.COMPLETED, 100))).as("no part tasks").hasSize(1);
    }
  }

  /** A runner whose parts hold until they are stopped, but for those that {@code fail} fails at once. */
  private FfmpegRunner holdingParts(FfmpegRunner real, java.util.function.Predicate<FfmpegJob> fail,
      AtomicInteger partsStarted) {
    return job -> {
      String out = job.outputs().get(0);
      if (!out.startsWith("part-") && !out.startsWith("audio")) {
        return real.run(job);
      }
      if (fail.test(job)) {
        throw new TaskFailureException(ErrorKind.FFMPEG, "injected: this part cannot be encoded", false,
            "[libx264] injected stderr", null);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Subscription onStop = job.context().onStop(stopped::countDown);
      try {
        partsStarted.incrementAndGet();
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        onStop.close();
      }
      throw new TaskFailureException(ErrorKind.CANCELLED, "stopped", false);
    };
  }

  @Test
  void a_part_that_fails_for_good_fails_the_task_with_its_error_and_cancels_the_other_parts() throws Exception {
    Path in = input(6);
    AtomicInteger partsStarted = new AtomicInteger();
    FfmpegRunner runner = holdingParts(realRunner(), job -> job.outputs().contains("part-00001.mp4"), partsStarted);
    try (FfmpegQueue queue = queue(runner, backend, 4)) { // three parts hold: one worker stays free
      Submission s = queue.submit(request(in));
      Task failed = s.completion().get(120, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(failed.error().kind()).isEqualTo(ErrorKind.FFMPEG);
      assertThat(failed.error().message()).startsWith("part 2 of 3 (2.000 s to 4.000 s of the input, task ")
          .endsWith("failed: injected: this part cannot be encoded");
      assertThat(failed.error().stderrTail()).isEqualTo("[libx264] injected stderr");
      assertThat(failed.outputs()).as("nothing published").isEmpty();
      assertThat(failed.attempt()).as("not retried: the part's failure is final").isEqualTo(1);
      await().atMost(Duration.ofSeconds(60)).until(() -> SplitParts.of(backend, failed).stream()
          .allMatch(p -> p.status().isFinal()));
      List<Task> parts = SplitParts.of(backend, failed);
      assertThat(parts).hasSize(4);
      assertThat(parts).filteredOn(p -> p.status() == TaskStatus.FAILED).singleElement()
          .satisfies(p -> assertThat(SplitParts.place(p)).isEqualTo("1"));
      assertThat(parts).filteredOn(p -> p.status() == TaskStatus.CANCELLED).hasSize(3);
      assertThat(backend.counts().get(TaskStatus.RUNNING)).as("nothing left running").isZero();
    }
  }

  @Test
  void a_split_task_that_a_part_failed_runs_its_parts_again_when_retried_by_hand() throws Exception {
    Path in = input(6);
    FfmpegRunner real = realRunner();
    AtomicInteger injected = new AtomicInteger();
    FfmpegRunner failsOnce = job -> {
      if (job.outputs().contains("part-00001.mp4") && injected.getAndIncrement() == 0) {
        throw new TaskFailureException(ErrorKind.FFMPEG, "injected: this part cannot be encoded", false);
      }
      return real.run(job);
    };
    try (FfmpegQueue queue = queue(failsOnce)) {
      Task failed = queue.submit(request(in)).completion().get(120, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
      await().atMost(Duration.ofSeconds(60)).until(() -> SplitParts.of(backend, failed).stream()
          .allMatch(p -> p.status().isFinal()));

      assertThat(backend.admin().orElseThrow().retry(failed.id()).orElseThrow().changed()).isTrue();
      await().atMost(Duration.ofSeconds(120)).until(() -> backend.find(failed.id()).orElseThrow().status().isFinal());
      Task done = backend.find(failed.id()).orElseThrow();
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(SplitParts.of(backend, done)).as("the same parts, none new").hasSize(4)
          .allMatch(p -> p.status() == TaskStatus.COMPLETED);
      Files.copy(Path.of(done.outputs().get(0).uri()), media.resolve("out.mp4"));
      assertThat(new SplitMedia(build.installation(), media).decodedFrames("out.mp4")).isEqualTo(150);
    }
  }

  @Test
  void a_cancel_while_the_task_enqueues_its_parts_is_never_lost() throws Exception {
    Path in = input(6);
    AtomicReference<FfmpegQueue> queueRef = new AtomicReference<>();
    AtomicReference<TaskId> task = new AtomicReference<>();
    AtomicInteger enqueuedParts = new AtomicInteger();
    // The cancel comes in the middle of the first run, after the probe, between the first and second part's enqueue.
    QueueBackend cancelling = new ForwardingQueueBackend(backend) {
      @Override
      public Enqueued enqueue(Task t) {
        Enqueued e = super.enqueue(t);
        if (t.request().metadata().containsKey(SplitParts.SPLIT_OF) && enqueuedParts.incrementAndGet() == 1) {
          assertThat(queueRef.get().cancel(task.get())).hasValueSatisfying(
              r -> assertThat(r.status()).isEqualTo(TaskStatus.RUNNING));
        }
        return e;
      }
    };
    try (FfmpegQueue queue = queue(realRunner(), cancelling, 1)) {
      queueRef.set(queue);
      Submission s = queue.submit(request(in));
      task.set(s.id());
      Task cancelled = s.completion().get(120, TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(enqueuedParts).hasValue(4);
      List<Task> parts = SplitParts.of(backend, backend.find(s.id()).orElseThrow());
      assertThat(parts).hasSize(4).allMatch(p -> p.status() == TaskStatus.CANCELLED);
      assertThat(backend.counts().get(TaskStatus.RUNNING)).isZero();
    }
  }

  @Test
  void cancelling_the_task_in_the_middle_cancels_its_parts() throws Exception {
    Path in = input(6);
    FfmpegRunner real = realRunner();
    AtomicInteger partsStarted = new AtomicInteger();
    // Every part holds until it is stopped, so the cancel surely comes in the middle.
    FfmpegRunner held = job -> {
      if (!job.outputs().get(0).startsWith("part-") && !job.outputs().get(0).startsWith("audio")) {
        return real.run(job);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Subscription onStop = job.context().onStop(stopped::countDown);
      try {
        partsStarted.incrementAndGet();
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        onStop.close();
      }
      throw new TaskFailureException(ErrorKind.CANCELLED, "stopped", false);
    };
    try (FfmpegQueue queue = queue(held)) {
      Submission s = queue.submit(request(in));
      await().atMost(Duration.ofSeconds(60)).until(() -> queue.find(s.id()).orElseThrow().isWaiting()
          && partsStarted.get() == 2);
      ObjectNode json = TaskJson.toJson(queue.find(s.id()).orElseThrow(), backend::find);
      assertThat(json.get("split").toString()).contains("\"parts\":3,\"parts_completed\":0");
      assertThat(json.get("progress").asDouble()).as("two parts running, none reports progress").isEqualTo(0.0);
      queue.cancel(s.id());
      Task cancelled = s.completion().get(60, TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      await().atMost(Duration.ofSeconds(60)).until(() -> SplitParts.of(backend, cancelled).stream()
          .allMatch(p -> p.status() == TaskStatus.CANCELLED));
      assertThat(SplitParts.of(backend, cancelled)).hasSize(4);
    }
  }
}
