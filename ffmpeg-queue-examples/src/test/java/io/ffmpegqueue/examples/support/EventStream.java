package io.ffmpegqueue.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a task's {@code GET /ffmpeg/tasks/{id}/events} stream on a thread of its own, and checks the one shape
 * the stream has on every backend, wherever the worker runs: {@code status} first (the task as it is), then
 * {@code started} when the task had not started yet, {@code progress} while it runs, and the final event.
 */
public final class EventStream {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch opened = new CountDownLatch(1);
  private final CompletableFuture<List<String>> done;

  private EventStream(Http http, String id) {
    done = CompletableFuture.supplyAsync(() -> {
      try {
        HttpResponse<Stream<String>> resp = http.client().send(
            http.request("/ffmpeg/tasks/" + id + "/events").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(resp.statusCode()).isEqualTo(200);
        Http.readEvents(resp, (event, json) -> {
          // A progress event without its detail is the stream's own fallback read, not a relayed report.
          events.add(event.equals("progress") && !json.has("out_time_seconds") ? "progress-without-detail" : event);
          opened.countDown();
        });
        return List.copyOf(events);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    });
  }

  /** Opens the stream of task {@code id} and returns once its first event arrived. */
  public static EventStream open(Http http, String id) throws Exception {
    EventStream s = new EventStream(http, id);
    if (!s.opened.await(30, TimeUnit.SECONDS)) {
      s.done.getNow(null); // rethrows a failure to open
      throw new AssertionError("the event stream of task " + id + " sent nothing");
    }
    return s;
  }

  /**
   * The event types of the whole stream, once it ended; a {@code progress} event that lacks the worker's
   * detail ({@code out_time_seconds}, {@code fps}, ...) reads {@code progress-without-detail}.
   */
  public List<String> events() throws Exception {
    return done.get(120, TimeUnit.SECONDS);
  }

  /**
   * Asserts the stream's shape: {@code status}, then {@code started} (when the stream opened before the task
   * started), at least {@code minProgress} {@code progress} events and nothing else, then {@code completed}.
   */
  public static void assertShape(List<String> events, boolean sawStart, int minProgress) {
    String joined = String.join(" ", events);
    assertThat(joined).as("the stream's event types").matches(
        "status" + (sawStart ? " started" : "( started)?") + "( progress){" + minProgress + ",} completed");
  }
}
