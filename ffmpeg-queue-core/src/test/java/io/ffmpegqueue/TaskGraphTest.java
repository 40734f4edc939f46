package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskGraphs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Task graphs through the queue: joins, the failure cascade and its events, and a backend that keeps none. */
class TaskGraphTest {
  @Test
  void a_failed_parent_cancels_its_children_and_listeners_hear_of_the_ready_and_the_cancelled() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    // The parents wait until the whole graph is submitted: a child submitted after its parents completed never
    // waits, and so is never heard becoming ready.
    CountDownLatch submitted = new CountDownLatch(1);
    try (FfmpegQueue queue = Fixtures.fastQueue().handler(ctx -> {
      submitted.await();
      if (ctx.task().request().metadata().containsKey("fail")) {
        throw new TaskFailureException(ErrorKind.FFMPEG, "ffmpeg exited with 1", false);
      }
      return Fixtures.outputs(ctx);
    }).build()) {
      queue.subscribe(e -> heard.add(e.type() + " " + e.taskId()));
      Submission bad = queue.submit(Fixtures.request().toBuilder().metadata("fail", "yes").build());
      Submission good = queue.submit(Fixtures.request());
      Submission child = queue.submit(Fixtures.request().toBuilder().after(bad.id(), good.id()).build());
      Submission grandchild = queue.submit(Fixtures.request().toBuilder().after(child.id()).build());
      Submission join = queue.submit(TaskRequest.builder().after(good.id()).build());
      submitted.countDown();

      Task cancelled = grandchild.completion().get(10, TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(cancelled.error().kind()).isEqualTo(ErrorKind.DEPENDENCY);
      assertThat(cancelled.errorMessage()).startsWith("task " + child.id() + " was cancelled: task " + bad.id()
          + " failed: ffmpeg exited with 1");
      assertThat(join.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heard).contains("CANCELLED " + child.id(), "CANCELLED " + grandchild.id(), "READY " + join.id(),
          "COMPLETED " + join.id()));
      assertThat(heard).doesNotContain("STARTED " + child.id());
    }
  }

  @Test
  void a_join_needs_parents_and_has_no_files() {
    assertThatThrownBy(() -> TaskRequest.builder().build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("command"));
    TaskId parent = TaskId.random();
    assertThatThrownBy(() -> TaskRequest.builder().after(parent).output("x.mp4").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("output_files"));
    TaskRequest join = TaskRequest.builder().after(parent, parent).build();
    assertThat(join.isJoin()).isTrue();
    assertThat(join.dependsOn()).containsExactly(parent);
    assertThat(join.outputFilename()).isNull();
  }

  @Test
  void task_inputs_add_their_task_to_depends_on_and_malformed_ones_are_refused() {
    TaskId a = TaskId.of("a_1");
    TaskId b = TaskId.random();
    TaskRequest r = TaskRequest.builder().command("-i x.mp4 -i hls/index.m3u8 out.mp4").after(b)
        .input("x.mp4", a, "video.mp4").input("hls/", "task://" + b + "/hls/").output("out.mp4").build();
    assertThat(r.dependsOn()).containsExactly(b, a);
    assertThat(TaskOutputRef.parse(r.inputs().get("hls/")).orElseThrow().folder()).isTrue();
    assertThatThrownBy(() -> TaskRequest.builder().command("-i x.mp4 out.mp4").input("x.mp4", "task://a/")
        .output("out.mp4").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.getMessage()).contains("'x.mp4'"));
    assertThatThrownBy(() -> TaskRequest.builder().command("-i x.mp4 out.mp4").input("x.mp4", "task://a/../b")
        .output("out.mp4").build()).isInstanceOf(InvalidTaskException.class);
  }

  @Test
  void a_backend_without_task_graphs_refuses_a_task_that_waits_naming_depends_on() {
    QueueBackend plain = new NoGraphs(InMemoryQueueBackend.create());
    assertThat(TaskGraphs.of(plain)).isEmpty();
    try (FfmpegQueue queue = Fixtures.fastQueue().backend(plain).workers(0).build()) {
      Submission first = queue.submit(Fixtures.request());
      assertThatThrownBy(() -> queue.submit(Fixtures.request().toBuilder().after(first.id()).build()))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> {
            assertThat(e.field()).isEqualTo("depends_on");
            assertThat(e.getMessage()).contains("does not keep task graphs");
          });
    }
  }

  /** A backend that keeps no graphs: the in-memory one's task methods alone. */
  private static final class NoGraphs implements QueueBackend {
    private final QueueBackend d;

    NoGraphs(QueueBackend d) {
      this.d = d;
    }

    @Override
    public Enqueued enqueue(Task task) {
      return d.enqueue(task);
    }

    @Override
    public List<Lease> claim(ClaimRequest request) throws InterruptedException {
      return d.claim(request);
    }

    @Override
    public LeaseState renew(Renewal renewal) {
      return d.renew(renewal);
    }

    @Override
    public Task finish(Lease lease, Outcome outcome) {
      return d.finish(lease, outcome);
    }

    @Override
    public Optional<CancelResult> cancel(TaskId id) {
      return d.cancel(id);
    }

    @Override
    public Optional<Task> find(TaskId id) {
      return d.find(id);
    }

    @Override
    public List<Task> list(TaskQuery query) {
      return d.list(query);
    }

    @Override
    public Map<TaskStatus, Long> counts() {
      return d.counts();
    }

    @Override
    public List<Task> reapExpiredLeases() {
      return d.reapExpiredLeases();
    }

    @Override
    public int prune() {
      return d.prune();
    }
  }
}
