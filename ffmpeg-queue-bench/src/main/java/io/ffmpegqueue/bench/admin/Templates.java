package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Two tasks run to their end through a backend's own API, so that a bulk fill can copy what the backend stored:
 * one COMPLETED (its request holds the placeholders {@code __CMD__}, {@code __TEN__}, {@code __CUS__} and
 * {@code __FLG__} for each task's command, tenant, customer and flag; its outputs are copied as they are) and one
 * FAILED (its error is copied). The caller reads them in the backend's own form, then deletes both.
 */
final class Templates {
  static final TaskError ERROR = new TaskError(ErrorKind.FFMPEG, "ffmpeg exited with code 1",
      "[h264 @ 0x55d0] Invalid NAL unit size\nError while decoding stream #0:0: Invalid data found");
  static final ClaimRequest ONE = new ClaimRequest("bench-template", 1, Duration.ofMinutes(5), Duration.ZERO);

  final TaskId completed;
  final TaskId failed;

  Templates(QueueBackend b) throws InterruptedException {
    Task c = Task.pending(TaskId.random(), Mix.request("__CMD__", "__TEN__", "__CUS__", "__FLG__"), Instant.now());
    b.enqueue(c);
    Lease l = claim(b);
    b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    Task f = Task.pending(TaskId.random(), Mix.request(0), Instant.now());
    b.enqueue(f);
    b.finish(claim(b), new Outcome.Failed(ERROR, null));
    this.completed = c.id();
    this.failed = f.id();
  }

  static TaskOutput output(TaskId id) {
    return new TaskOutput("output.mp4", URI.create("https://cdn.example.com/out/" + id + "/output.mp4"), 48_213_337,
        "video/mp4", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", null, null);
  }

  private static Lease claim(QueueBackend b) throws InterruptedException {
    List<Lease> l = b.claim(ONE);
    if (l.size() != 1) {
      throw new IllegalStateException("the template task was not claimed: is the backend empty?");
    }
    return l.get(0);
  }

  /**
   * The completed template's request JSON as the backend stored it, with its id and creation time replaced by the
   * placeholders {@code __ID__} and {@code __CRT__} (the task JSON carries both).
   */
  String placeholders(String requestJson) {
    try {
      String created = TaskJson.mapper().readTree(requestJson).path("created_at").asText();
      if (created.isEmpty() || !requestJson.contains(completed.value())) {
        throw new IllegalStateException("the stored request has no id or created_at: " + requestJson);
      }
      return requestJson.replace(completed.value(), "__ID__").replace("\"" + created + "\"", "\"__CRT__\"");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the stored request is not JSON", e);
    }
  }

  void delete(QueueBackend b) {
    b.admin().orElseThrow().delete(completed);
    b.admin().orElseThrow().delete(failed);
  }
}
