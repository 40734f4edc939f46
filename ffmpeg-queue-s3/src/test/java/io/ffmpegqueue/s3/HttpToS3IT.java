package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.io.HttpInputFetcher;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The guide's whole path: an HTTP input, a real ffmpeg, the output in S3 at the guide's URL. */
class HttpToS3IT {
  private static final String BUCKET = "media";

  @TempDir
  static Path dir;

  static S3ProxyServer s3;
  static S3Client admin;
  static HttpServer http;
  static FfmpegInstallation ffmpeg;

  @BeforeAll
  static void start() throws Exception {
    ffmpeg = FfmpegLocator.defaults().locate();
    Path source = dir.resolve("source.mp4");
    Process p = new ProcessBuilder(ffmpeg.ffmpeg().toString(), "-v", "error", "-f", "lavfi", "-i",
        "testsrc=duration=2:size=320x240:rate=25", "-f", "lavfi", "-i", "sine=duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", source.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(log).isZero();
    byte[] video = Files.readAllBytes(source);

    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/videos/source.mp4", ex -> {
      ex.getResponseHeaders().add("Content-Type", "video/mp4");
      ex.sendResponseHeaders(200, video.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(video);
      }
    });
    http.start();

    s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3")));
    admin = s3.adminClient();
    admin.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stop() {
    http.stop(0);
    admin.close();
    s3.close();
  }

  @Test
  void a_task_with_an_http_input_runs_ffmpeg_and_lands_in_s3() throws Exception {
    URI input = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/videos/source.mp4");
    try (S3Storage storage = s3.storage(BUCKET).build();
        HttpInputFetcher fetcher = HttpInputFetcher.builder().allow("127.0.0.1").build();
        FfmpegQueue queue = FfmpegQueue.builder()
            .storage(storage)
            .fetcher(fetcher)
            .workspaceRoot(Files.createDirectories(dir.resolve("work")))
            .minFreeSpace(0)
            .build()) {
      Task done = queue.submit(TaskRequest.builder()
              .command("-i input.mp4 -vf scale=160:-2 -c:v libx264 -preset ultrafast -c:a copy output.mp4")
              .input("input.mp4", input)
              .output("output.mp4")
              .timeout(Duration.ofMinutes(2))
              .build())
          .completion().get(120, TimeUnit.SECONDS);

      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("s3://media/ffmpeg-outputs/" + done.id().value() + "/output.mp4");
      TaskOutput out = done.outputs().get(0);
      assertThat(out.media()).isNotNull();
      assertThat(out.media().streams()).anySatisfy(s -> {
        assertThat(s.codec()).isEqualTo("h264");
        assertThat(s.width()).isEqualTo(160);
      });
      ResponseBytes<GetObjectResponse> stored = admin.getObjectAsBytes(g -> g.bucket(BUCKET)
          .key("ffmpeg-outputs/" + done.id().value() + "/output.mp4"));
      assertThat((long) stored.asByteArray().length).isEqualTo(out.size()).isPositive();
      try (var s = Files.list(dir.resolve("work"))) {
        assertThat(s).as("workspaces are removed").isEmpty();
      }
    }
  }
}
