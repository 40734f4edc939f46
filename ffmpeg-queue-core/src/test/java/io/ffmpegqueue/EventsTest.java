package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventsTest {
  @Test
  void each_tasks_events_arrive_in_order_from_submitted_to_completed() throws Exception {
    Map<TaskId, List<TaskEvent.Type>> seen = new ConcurrentHashMap<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    int n = 200;
    try (FfmpegQueue q = Fixtures.fastQueue().workers(4).handler(ctx -> {
      ctx.reportProgress(Progress.ofFraction(0.5));
      ctx.reportProgress(Progress.ofFraction(1.0));
      return Fixtures.outputs(ctx);
    }).build()) {
      q.subscribe(e -> {
        seen.computeIfAbsent(e.taskId(), k -> new CopyOnWriteArrayList<>()).add(e.type());
        threads.add(Thread.currentThread().getName());
      });
      for (int i = 0; i < n; i++) {
        q.submit(Fixtures.request());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == n
          && seen.values().stream().allMatch(l -> l.contains(TaskEvent.Type.COMPLETED)));
    }
    for (List<TaskEvent.Type> types : seen.values()) {
      assertThat(types.get(0)).isEqualTo(TaskEvent.Type.SUBMITTED);
      assertThat(types.get(1)).isEqualTo(TaskEvent.Type.STARTED);
      assertThat(types.get(types.size() - 1)).isEqualTo(TaskEvent.Type.COMPLETED);
      assertThat(types).contains(TaskEvent.Type.PROGRESS);
    }
    assertThat(threads).allMatch(t -> t.startsWith("ffq-events"), "listeners run on event threads, never on workers");
  }

  @Test
  void a_throwing_or_slow_listener_neither_stalls_workers_nor_starves_other_listeners() throws Exception {
    CountDownLatch slowMayGo = new CountDownLatch(1);
    List<TaskId> completed = new CopyOnWriteArrayList<>();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(Fixtures::outputs).build()) {
      q.subscribe(e -> {
        throw new IllegalStateException("listener bug");
      });
      q.subscribe(e -> {
        try {
          slowMayGo.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      });
      q.subscribe(TaskEvent.Type.COMPLETED, e -> completed.add(e.taskId()));
      List<Submission> subs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        subs.add(q.submit(Fixtures.request()));
      }
      for (Submission s : subs) {
        assertThat(s.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> completed.size() == 50);
      slowMayGo.countDown();
    }
  }

  @Test
  void a_closed_subscription_receives_nothing_more() throws Exception {
    List<TaskEvent> got = new CopyOnWriteArrayList<>();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(Fixtures::outputs).build()) {
      Subscription sub = q.subscribe(TaskEvent.Type.COMPLETED, got::add);
      q.submit(Fixtures.request()).completion().get(5, TimeUnit.SECONDS);
      await().until(() -> got.size() == 1);
      sub.close();
      q.submit(Fixtures.request()).completion().get(5, TimeUnit.SECONDS);
      CountDownLatch after = new CountDownLatch(1);
      q.subscribe(TaskEvent.Type.COMPLETED, e -> after.countDown());
      q.submit(Fixtures.request());
      assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(got).hasSize(1);
    }
  }
}
