package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.Renewal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split task's JSON over HTTP while its parts run: {@code split.parts} counts its video parts (not the audio
 * part), and its progress is the share of their work done, weighted by their durations. The test plays the
 * worker's steps on the service's backend (no worker runs in the service), so each state is exact.
 */
class SplitTasksIT {
  private static final Duration LEASE = Duration.ofMinutes(1);

  @TempDir
  Path dir;

  @Test
  void a_split_task_shows_its_video_parts_and_the_share_of_their_work_done() {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    try (FfmpegService service = TestService.start(dir, Map.of("NUM_WORKERS", "0"), b -> b.backend(backend))) {
      Http http = new Http(service.port(), null);
      Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"-i input.mp4 -c:v libx264 -crf 23 out.mp4\","
          + " \"input_files\": {\"input.mp4\": \"" + TestService.media(dir).resolve("input.mp4").toUri() + "\"},"
          + " \"output_filename\": \"out.mp4\", \"split\": {\"segment_seconds\": 2}}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      String id = r.json().get("task_id").asText();
      JsonNode before = http.get("/ffmpeg/status/" + id).json();
      assertThat(before.get("split").toString()).isEqualTo("{\"segment_seconds\":2.0}");

      // The worker's first run: it splits the task into a 3 s part, a 1 s part and the audio part, and awaits them.
      Lease first = claim(backend).get(TaskId.of(id));
      TaskId long0 = part(backend, id, "0", "3.000000");
      TaskId short1 = part(backend, id, "1", "1.000000");
      TaskId audio = part(backend, id, "audio", null);
      backend.finish(first, new Outcome.Await(List.of(long0, short1, audio)));
      JsonNode waiting = http.get("/ffmpeg/status/" + id).json();
      assertThat(waiting.get("split").toString())
          .isEqualTo("{\"segment_seconds\":2.0,\"parts\":2,\"parts_completed\":0}");
      assertThat(waiting.get("progress").asDouble()).isZero();

      // The 3 s part is half done, the 1 s part and the audio have completed: (3 * 0.5 + 1) / 4.
      Map<TaskId, Lease> parts = claim(backend);
      backend.renew(new Renewal(parts.get(long0), 0.5, LEASE));
      backend.finish(parts.get(short1), new Outcome.Completed(List.of()));
      backend.finish(parts.get(audio), new Outcome.Completed(List.of()));
      JsonNode running = http.get("/ffmpeg/status/" + id).json();
      assertThat(running.get("split").toString())
          .isEqualTo("{\"segment_seconds\":2.0,\"parts\":2,\"parts_completed\":1}");
      assertThat(running.get("progress").asDouble()).isCloseTo(0.625, within(1e-9));
      assertThat(running.get("depends_on")).as("every part is a parent").hasSize(3);
    }
  }

  private static Map<TaskId, Lease> claim(InMemoryQueueBackend backend) {
    Map<TaskId, Lease> leases = new HashMap<>();
    try {
      for (Lease l : backend.claim(new ClaimRequest("worker-a", 10, LEASE, Duration.ZERO))) {
        leases.put(l.taskId(), l);
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return leases;
  }

  /** A part as the worker enqueues it (its metadata links it to the task; a video part has its duration). */
  private static TaskId part(InMemoryQueueBackend backend, String of, String place, String duration) {
    TaskRequest.Builder r = TaskRequest.builder().command("-i input.mp4 -c:v libx264 part.mp4")
        .input("input.mp4", java.net.URI.create("https://example.com/input.mp4")).output("part.mp4")
        .metadata("split_of", of).metadata("split_part", place);
    if (duration != null) {
      r.metadata("split_duration", duration);
    }
    Task t = Task.pending(TaskId.random(), r.build(), Instant.now());
    backend.enqueue(t);
    return t.id();
  }
}
