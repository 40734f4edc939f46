package io.ffmpegqueue.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker pipeline's fetch step with the HTTP fetcher against a server on loopback, ffmpeg faked. */
class InputPipelineIT {
  @TempDir
  Path work;

  @TempDir
  Path outputs;

  private RangeServer server;
  private HttpInputFetcher http;

  /** Concatenates the inputs into the output, as a stand-in for ffmpeg. */
  private final FfmpegRunner concat = job -> {
    try {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (String in : job.inputs()) {
        all.write(Files.readAllBytes(job.workspace().resolve(in)));
      }
      Files.write(job.workspace().resolve(job.outputs().get(0)), all.toByteArray());
      return new FfmpegResult(Map.of(), Duration.ZERO);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  };

  @BeforeEach
  void start() throws IOException {
    server = new RangeServer();
    http = HttpInputFetcher.builder().allow("127.0.0.1").build();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private FfmpegQueue queue() {
    return FfmpegQueue.builder().fetcher(http).runner(concat).storage(LocalStorage.at(outputs))
        .workspaceRoot(work).minFreeSpace(0).pollWait(Duration.ofMillis(100)).build();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void the_inputs_of_a_task_download_in_parallel_and_reach_ffmpeg() throws Exception {
    server.file("/a", text("one,")).file("/b", text("two,")).file("/c", text("three")).together(3);
    try (FfmpegQueue queue = queue()) {
      Task done = queue.submit(TaskRequest.builder().command("-i a.mp4 -i b.mp4 -i c.mp4 out.mp4")
          .input("a.mp4", server.url("/a")).input("b.mp4", server.url("/b")).input("c.mp4", server.url("/c"))
          .output("out.mp4").build()).completion().get(20, TimeUnit.SECONDS);
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(Files.readString(Path.of(URI.create(done.outputUrl())))).isEqualTo("one,two,three");
    }
    assertThat(server.maxInFlight()).as("the three downloads ran at once").isEqualTo(3);
    assertThat(work).isEmptyDirectory();
  }

  @Test
  void when_one_input_fails_the_others_stop_at_once_and_the_task_fails_with_that_error() throws Exception {
    server.stallBodies().file("/slow1", new byte[1 << 20]).file("/slow2", new byte[1 << 20]).status("/gone", 404);
    // Timeouts far longer than the wait below: the task can only end in time if the failure stopped the
    // stalled downloads.
    http.close();
    http = HttpInputFetcher.builder().allow("127.0.0.1").readTimeout(Duration.ofMinutes(10))
        .downloadTimeout(Duration.ofMinutes(10)).build();
    try (FfmpegQueue queue = queue()) {
      Task failed = queue.submit(TaskRequest.builder().command("-i s1.mp4 -i gone.mp4 -i s2.mp4 out.mp4")
          .input("s1.mp4", server.url("/slow1")).input("gone.mp4", server.url("/gone?sig=secret"))
          .input("s2.mp4", server.url("/slow2")).output("out.mp4").maxAttempts(1).build())
          .completion().get(20, TimeUnit.SECONDS);
      assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(failed.error().kind()).isEqualTo(ErrorKind.INPUT);
      assertThat(failed.error().message()).isEqualTo("input 'gone.mp4': HTTP 404 from " + server.url("/gone"));
    }
    assertThat(work).as("the workspace is removed, with no partial download").isEmptyDirectory();
  }

  @Test
  void without_a_registered_http_fetcher_the_default_one_guards_submissions() {
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(0).build()) {
      InvalidTaskException e = catchThrowableOfType(InvalidTaskException.class, () -> queue.submit(TaskRequest.builder()
          .command("-i in.mp4 out.mp4").input("in.mp4", "http://169.254.169.254/latest/meta-data/").output("out.mp4").build()));
      assertThat(e.field()).isEqualTo("input_files");
      assertThat(e.getMessage()).contains("'in.mp4'", "the cloud metadata service");
      assertThat(queue.submit(TaskRequest.builder().command("-i in.mp4 out.mp4")
          .input("in.mp4", "https://media.example.com/in.mp4").output("out.mp4").build()).id()).isNotNull();
      for (String other : new String[] {"file:/etc/passwd", "ftp://example.com/in.mp4", "gopher://example.com/"}) {
        InvalidTaskException refused = catchThrowableOfType(InvalidTaskException.class, () -> queue.submit(TaskRequest.builder()
            .command("-i in.mp4 out.mp4").input("in.mp4", other).output("out.mp4").build()));
        assertThat(refused).as(other).hasMessageContaining("which is not allowed here (allowed: http, https)");
      }
    }
  }
}
