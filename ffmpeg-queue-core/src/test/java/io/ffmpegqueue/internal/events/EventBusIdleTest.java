package io.ffmpegqueue.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventBusIdleTest {
  private static TaskEvent event() {
    Task t = Task.pending(TaskId.random(), TaskRequest.builder().command("-i a.mp4 b.mp4").output("b.mp4").build(), Instant.now());
    return new TaskEvent(TaskEvent.Type.SUBMITTED, t, null, Instant.now());
  }

  @Test
  void await_idle_returns_once_every_published_event_is_delivered() {
    try (EventBus bus = new EventBus("test-events")) {
      List<TaskEvent> got = new CopyOnWriteArrayList<>();
      bus.subscribe(null, got::add);
      bus.subscribe(TaskEvent.Type.SUBMITTED, e -> got.add(e));
      for (int i = 0; i < 500; i++) {
        bus.publish(event());
      }
      assertThat(bus.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(got).hasSize(1000);
    }
  }

  @Test
  void await_idle_waits_for_a_busy_listener_and_for_executed_actions() throws Exception {
    try (EventBus bus = new EventBus("test-events")) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch inListener = new CountDownLatch(1);
      bus.subscribe(null, e -> {
        inListener.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      });
      bus.publish(event());
      assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(bus.awaitIdle(Duration.ofMillis(50))).as("a listener is still busy").isFalse();
      release.countDown();
      assertThat(bus.awaitIdle(Duration.ofSeconds(10))).isTrue();

      AtomicBoolean ran = new AtomicBoolean();
      CountDownLatch mayRun = new CountDownLatch(1);
      bus.execute(() -> {
        try {
          mayRun.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        ran.set(true);
      });
      assertThat(bus.awaitIdle(Duration.ofMillis(50))).as("an action is still running").isFalse();
      mayRun.countDown();
      assertThat(bus.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(ran).isTrue();
    }
  }
}
