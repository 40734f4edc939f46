package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.ffmpeg.Progress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptEventTest {
  private static final Instant AT = Instant.parse("2026-12-06T19:40:01.123456789Z");
  private final Task task = Task.pending(TaskId.random(), TaskRequest.builder().command("-f lavfi -i testsrc out.mp4")
      .output("out.mp4").build(), AT.minusSeconds(5));

  @Test
  void a_progress_event_comes_back_with_its_type_time_and_figures() {
    Progress p = new Progress(0.25, Duration.ofMillis(12_500), 29.97, 1.5, Duration.ofSeconds(40));
    WebhookDelivery d = KeptEvent.delivery(new TaskEvent(TaskEvent.Type.PROGRESS, task, p, AT), AT.plusSeconds(30));

    assertThat(d.deliveryId()).isEqualTo("amqp-event-progress-" + (AT.getEpochSecond() * 1_000_000_000L + AT.getNano()));
    assertThat(d.nextAttemptAt()).isEqualTo(AT.plusSeconds(30));
    // As a backend hands it back: only the id and the target's text survive.
    WebhookDelivery stored = new WebhookDelivery(d.deliveryId(), URI.create(d.url().toString()),
        WebhookDelivery.State.PENDING, List.of(), null);
    TaskEvent back = KeptEvent.event(task, stored);
    assertThat(back.type()).isEqualTo(TaskEvent.Type.PROGRESS);
    assertThat(back.at()).isEqualTo(AT);
    assertThat(back.progress()).isEqualTo(p);
  }

  @Test
  void unknown_progress_figures_stay_unknown_and_other_events_have_none() {
    Progress p = new Progress(null, Duration.ofSeconds(3), null, null, null);
    TaskEvent back = KeptEvent.event(task, KeptEvent.delivery(new TaskEvent(TaskEvent.Type.PROGRESS, task, p, AT), AT));
    assertThat(back.progress()).isEqualTo(p);

    WebhookDelivery started = KeptEvent.delivery(new TaskEvent(TaskEvent.Type.STARTED, task, null, AT), AT);
    assertThat(started.url()).isEqualTo(URI.create("amqp:event"));
    assertThat(KeptEvent.event(task, started).type()).isEqualTo(TaskEvent.Type.STARTED);
    assertThat(KeptEvent.event(task, started).progress()).isNull();
  }

  @Test
  void a_task_s_events_sort_by_time_and_other_deliveries_are_not_events() {
    assertThat(KeptEvent.at(KeptEvent.delivery(new TaskEvent(TaskEvent.Type.SUBMITTED, task, null, AT), AT).deliveryId()))
        .isBefore(KeptEvent.at(KeptEvent.delivery(
            new TaskEvent(TaskEvent.Type.STARTED, task, null, AT.plusNanos(1)), AT).deliveryId()));
    assertThat(KeptEvent.isEvent(BrokerOutbox.DELIVERY_ID)).isFalse();
    WebhookDelivery result = new WebhookDelivery(BrokerOutbox.DELIVERY_ID, BrokerOutbox.TARGET,
        WebhookDelivery.State.PENDING, List.of(), AT);
    assertThatThrownBy(() -> KeptEvent.event(task, result)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BrokerOutbox.DELIVERY_ID);
  }
}
