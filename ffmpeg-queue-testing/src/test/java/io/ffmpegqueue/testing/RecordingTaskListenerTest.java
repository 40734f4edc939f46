package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingTaskListenerTest {
  private final RecordingTaskListener listener = new RecordingTaskListener();

  private static Task task() {
    return Task.pending(TaskId.random(), TaskRequest.builder().command("-i in.mp4 out.mp4").output("out.mp4").build(),
        Instant.now());
  }

  private static TaskEvent event(TaskEvent.Type type, Task t) {
    return new TaskEvent(type, t, null, Instant.now());
  }

  @Test
  void it_keeps_every_event_in_order_and_by_task() {
    Task a = task();
    Task b = task();
    listener.onEvent(event(TaskEvent.Type.SUBMITTED, a));
    listener.onEvent(event(TaskEvent.Type.SUBMITTED, b));
    listener.onEvent(event(TaskEvent.Type.STARTED, a));
    listener.onEvent(event(TaskEvent.Type.COMPLETED, a));
    assertThat(listener.types()).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.SUBMITTED,
        TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
    assertThat(listener.typesOf(a.id())).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
        TaskEvent.Type.COMPLETED);
    assertThat(listener.eventsOf(b.id())).singleElement().extracting(TaskEvent::type).isEqualTo(TaskEvent.Type.SUBMITTED);
    assertThat(listener.events()).hasSize(4);
    listener.clear();
    assertThat(listener.events()).isEmpty();
  }

  @Test
  void await_returns_an_event_already_seen_at_once() {
    Task a = task();
    TaskEvent done = event(TaskEvent.Type.COMPLETED, a);
    listener.onEvent(event(TaskEvent.Type.SUBMITTED, a));
    listener.onEvent(done);
    assertThat(listener.await(TaskEvent.Type.COMPLETED, Duration.ZERO)).isSameAs(done);
    assertThat(listener.await(a.id(), TaskEvent.Type.COMPLETED)).isSameAs(done);
  }

  @Test
  void await_waits_for_an_event_that_arrives_from_another_thread() throws Exception {
    Task a = task();
    Task b = task();
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<TaskEvent> awaited = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      return listener.await(b.id(), TaskEvent.Type.FAILED, Duration.ofSeconds(10));
    });
    assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
    listener.onEvent(event(TaskEvent.Type.FAILED, a)); // another task's: does not count
    TaskEvent bFailed = event(TaskEvent.Type.FAILED, b);
    listener.onEvent(bFailed);
    assertThat(awaited.get(10, TimeUnit.SECONDS)).isSameAs(bFailed);
  }

  @Test
  void await_count_returns_the_first_n_events_of_a_type() {
    for (int i = 0; i < 3; i++) {
      listener.onEvent(event(TaskEvent.Type.COMPLETED, task()));
    }
    assertThat(listener.awaitCount(TaskEvent.Type.COMPLETED, 2, Duration.ZERO)).hasSize(2);
    assertThatThrownBy(() -> listener.awaitCount(TaskEvent.Type.COMPLETED, 4, Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("4 events COMPLETED");
  }

  @Test
  void a_timed_out_await_says_what_it_waited_for_and_what_it_saw() {
    Task a = task();
    listener.onEvent(event(TaskEvent.Type.SUBMITTED, a));
    assertThatThrownBy(() -> listener.await(TaskEvent.Type.COMPLETED, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("timed out after 50 ms waiting for an event COMPLETED")
        .hasMessageContaining("seen: SUBMITTED of " + a.id());
  }
}
