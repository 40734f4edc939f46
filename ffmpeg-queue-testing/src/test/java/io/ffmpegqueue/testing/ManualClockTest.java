package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void the_clock_stands_still_until_it_is_moved() {
    ManualClock clock = new ManualClock();
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START).isEqualTo(clock.instant());
    assertThat(clock.millis()).isEqualTo(ManualClock.DEFAULT_START.toEpochMilli());
  }

  @Test
  void advance_moves_forward_and_set_moves_anywhere() {
    ManualClock clock = new ManualClock(Instant.parse("2030-06-01T12:00:00Z"));
    assertThat(clock.advance(Duration.ofMinutes(90))).isEqualTo(Instant.parse("2030-06-01T13:30:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-06-01T13:30:00Z"));
    clock.set(Instant.parse("2030-06-01T11:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-06-01T11:00:00Z"));
  }

  @Test
  void advancing_by_a_negative_duration_is_refused_with_a_pointer_to_set() {
    ManualClock clock = new ManualClock();
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set(Instant)");
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
  }

  @Test
  void advances_from_many_threads_all_count() {
    ManualClock clock = new ManualClock();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      all.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 1000; i++) {
          clock.advance(Duration.ofMillis(1));
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(4));
  }
}
