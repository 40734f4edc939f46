package io.ffmpegqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @AfterEach
  void stopThreads() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_lone_caller_writes_at_once_in_a_batch_of_its_own() {
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> b = new Batcher<>(8, items -> {
      batches.add(List.copyOf(items));
      return items.stream().map(i -> "done " + i).toList();
    });

    assertThat(b.submit(7)).isEqualTo("done 7");
    assertThat(batches).containsExactly(List.of(7));
  }

  @Test
  void callers_that_arrive_while_a_batch_is_written_share_the_next_one_and_each_gets_its_own_answer()
      throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    Batcher<Integer, Integer> b = new Batcher<>(100, items -> {
      batches.add(List.copyOf(items));
      if (items.contains(0)) {
        firstStarted.countDown();
        await(release);
      }
      return items.stream().map(i -> i * 10).toList();
    });
    CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> b.submit(0), pool);
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Integer>> rest = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      int n = i;
      rest.add(CompletableFuture.supplyAsync(() -> b.submit(n), pool));
    }
    // All ten are handed in while the first batch is being written; none of them is written meanwhile.
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> rest.stream().noneMatch(CompletableFuture::isDone) && b.waiting() == 10);
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(rest.get(i).get(10, TimeUnit.SECONDS)).isEqualTo((i + 1) * 10);
    }
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }

  @Test
  void a_batch_is_never_larger_than_its_limit() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    AtomicBoolean slow = new AtomicBoolean(true);
    Batcher<Integer, Integer> b = new Batcher<>(3, items -> {
      sizes.add(items.size());
      if (slow.get()) {
        sleepBriefly();
      }
      return items;
    });
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      all.add(CompletableFuture.supplyAsync(() -> b.submit(n), pool));
    }
    for (int i = 0; i < 40; i++) {
      assertThat(all.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i);
    }
    assertThat(sizes).allSatisfy(s -> assertThat(s).isBetween(1, 3));
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
  }

  @Test
  void a_failed_write_fails_every_caller_of_its_batch_and_the_next_batch_is_written_as_usual() {
    AtomicBoolean fail = new AtomicBoolean(true);
    Batcher<Integer, Integer> b = new Batcher<>(8, items -> {
      if (fail.getAndSet(false)) {
        throw new IllegalStateException("the database is away");
      }
      return items;
    });

    assertThatThrownBy(() -> b.submit(1)).isInstanceOf(IllegalStateException.class).hasMessage("the database is away");
    assertThat(b.submit(2)).isEqualTo(2);
  }

  @Test
  void a_write_that_answers_too_few_items_is_an_error_not_a_wrong_answer() {
    Batcher<Integer, Integer> b = new Batcher<>(8, items -> List.of());

    assertThatThrownBy(() -> b.submit(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a batch of 1 got 0 answers");
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepBriefly() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a write takes time
  }
}
