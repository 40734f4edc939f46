package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.StoredFile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HLS, DASH, segment and image-sequence outputs end to end: real ffmpeg (installed and bundled) in the
 * sandbox, the files stored in a local folder, and a real reader, ffmpeg itself, opening the stored playlist
 * over HTTP from a loopback server and decoding every rendition to the end.
 */
class MediaOutputsIT {
  private static final int SECONDS = 3;
  private static final String X264 = "-c:v libx264 -preset ultrafast -g 25 -c:a aac ";

  @TempDir
  static Path media;
  static double inputDuration;

  @TempDir
  Path dir;
  FfmpegQueue queue;
  HttpServer server;
  FfmpegInstallation ffmpeg;

  @BeforeAll
  static void makeMedia() {
    TestFfmpeg.video(media, "in.mp4", SECONDS);
    inputDuration = duration(TestFfmpeg.installation(), media.resolve("in.mp4").toString());
  }

  @AfterEach
  void stop() {
    if (queue != null) {
      queue.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  private Task run(TestFfmpeg.Build build, OutputLimits limits, String command, String... outputs) throws Exception {
    ffmpeg = build.installation();
    LocalStorage storage = LocalStorage.at(dir.resolve("outputs"));
    queue = FfmpegQueue.builder()
        .fetcher(FileInputFetcher.allowing(media))
        .storage(storage)
        .runner(ProcessFfmpegRunner.builder().installation(ffmpeg).sandbox(Sandbox.AUTO).build())
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .outputLimits(limits)
        .pollWait(Duration.ofMillis(200))
        .workers(1)
        .build();
    Task done = queue.submit(TaskRequest.builder().command(command).input("in.mp4", media.resolve("in.mp4").toUri())
        .outputs(List.of(outputs)).maxAttempts(1).build()).completion().get(120, TimeUnit.SECONDS);
    // Nothing outside the task's storage prefix, and no workspace left behind.
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("outputs", "work");
    }
    try (Stream<Path> work = Files.list(dir.resolve("work"))) {
      assertThat(work).isEmpty();
    }
    try (Stream<Path> stored = Files.list(dir.resolve("outputs"))) {
      assertThat(stored.map(p -> p.getFileName().toString())).isSubsetOf(List.of(done.id().value()));
    }
    return done;
  }

  private Task run(TestFfmpeg.Build build, String command, String... outputs) throws Exception {
    return run(build, OutputLimits.defaults(), command, outputs);
  }

  /** Serves the storage folder over loopback HTTP; returns the URL of the task's prefix. */
  private String serve(Task task) throws IOException {
    Path root = dir.resolve("outputs").toAbsolutePath().normalize();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      exchange.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(file, out);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + task.id().value() + "/";
  }

  /** ffmpeg reads {@code url} over HTTP and decodes every stream of every rendition to the end; returns ffprobe's duration. */
  private double readToTheEnd(String url) {
    CapturedRun decode = CapturedRun.run(List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-i", url, "-map", "0",
        "-f", "null", "-"), dir, null, Duration.ofSeconds(60));
    assertThat(decode.succeeded()).as("decoding %s: %s", url, decode.stderr()).isTrue();
    assertThat(decode.stderr()).as("decoding %s", url).isEmpty();
    return duration(ffmpeg, url);
  }

  private static double duration(FfmpegInstallation i, String url) {
    Path ffprobe = i.ffprobe() != null ? i.ffprobe() : TestFfmpeg.installation().ffprobe();
    CapturedRun probe = CapturedRun.run(List.of(ffprobe.toString(), "-v", "error", "-show_entries", "format=duration",
        "-of", "default=nw=1:nk=1", url), Path.of("."), null, Duration.ofSeconds(60));
    assertThat(probe.succeeded()).as("ffprobe %s: %s", url, probe.stderr()).isTrue();
    return Double.parseDouble(probe.stdout().trim());
  }

  private static List<String> names(Task task) {
    List<String> names = new ArrayList<>();
    for (TaskOutput o : task.outputs()) {
      names.add(o.name());
    }
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_single_rendition_hls_stream_is_stored_and_plays_to_the_end(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 " + X264 + "-f hls -hls_time 1 -hls_playlist_type vod "
        + "-hls_segment_filename hls/seg_%03d.ts hls/index.m3u8", "hls/index.m3u8", "hls/");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs().get(0).name()).isEqualTo("hls/index.m3u8");
    assertThat(done.outputUrl()).endsWith("/" + done.id().value() + "/hls/index.m3u8");
    assertThat(done.outputs().get(0).contentType()).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(names(done)).contains("hls/seg_000.ts", "hls/seg_001.ts");
    assertThat(done.outputs()).filteredOn(o -> o.name().endsWith(".ts")).allMatch(o -> "video/mp2t".equals(o.contentType()));
    assertThat(readToTheEnd(serve(done) + "hls/index.m3u8")).isCloseTo(inputDuration, within(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_three_rendition_ladder_with_a_master_playlist_plays_every_rendition(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 -map 0:v -map 0:a -map 0:v -map 0:a -map 0:v -map 0:a "
        + "-c:v libx264 -preset ultrafast -g 25 -c:a aac -s:v:0 320x240 -b:v:0 400k -s:v:1 240x180 -b:v:1 200k "
        + "-s:v:2 160x120 -b:v:2 100k -f hls -hls_time 1 -hls_playlist_type vod -master_pl_name master.m3u8 "
        + "-var_stream_map 'v:0,a:0,name:high v:1,a:1,name:mid v:2,a:2,name:low' "
        + "-hls_segment_filename 'hls/%v/seg_%03d.ts' hls/%v/index.m3u8", "hls/master.m3u8", "hls/");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputUrl()).endsWith("/hls/master.m3u8");
    assertThat(names(done)).contains("hls/high/index.m3u8", "hls/mid/index.m3u8", "hls/low/index.m3u8",
        "hls/low/seg_000.ts");
    String base = serve(done);
    assertThat(readToTheEnd(base + "hls/master.m3u8")).isCloseTo(inputDuration, within(0.1));
    for (String rendition : List.of("high", "mid", "low")) {
      assertThat(readToTheEnd(base + "hls/" + rendition + "/index.m3u8")).isCloseTo(inputDuration, within(0.1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void an_fmp4_hls_stream_plays_to_the_end(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 " + X264 + "-f hls -hls_time 1 -hls_playlist_type vod -hls_segment_type fmp4 "
        + "-hls_fmp4_init_filename init.mp4 -hls_segment_filename hls/seg_%03d.m4s hls/index.m3u8", "hls/index.m3u8", "hls/");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(names(done)).contains("hls/init.mp4", "hls/seg_000.m4s");
    assertThat(done.outputs()).filteredOn(o -> o.name().endsWith(".m4s")).allMatch(o -> "video/iso.segment".equals(o.contentType()));
    assertThat(readToTheEnd(serve(done) + "hls/index.m3u8")).isCloseTo(inputDuration, within(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_dash_stream_plays_to_the_end(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 " + X264 + "-f dash -seg_duration 1 dash/manifest.mpd", "dash/manifest.mpd", "dash/");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs().get(0).contentType()).isEqualTo("application/dash+xml");
    assertThat(names(done)).contains("dash/init-stream0.m4s", "dash/chunk-stream0-00001.m4s");
    assertThat(readToTheEnd(serve(done) + "dash/manifest.mpd")).isCloseTo(inputDuration, within(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void the_segment_muxer_writes_a_numbered_series_and_its_list(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 -map 0 " + X264 + "-f segment -segment_time 1 -segment_list seg.m3u8 seg_%03d.ts",
        "seg.m3u8", "seg_%03d.ts");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(names(done)).startsWith("seg.m3u8").contains("seg_000.ts", "seg_001.ts");
    assertThat(readToTheEnd(serve(done) + "seg.m3u8")).isCloseTo(inputDuration, within(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_thumbnail_every_second_is_stored_as_a_numbered_sequence(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, "-i in.mp4 -vf fps=1 -q:v 5 thumbs/t_%03d.jpg", "thumbs/t_%03d.jpg");

    assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(names(done)).containsExactly("thumbs/t_001.jpg", "thumbs/t_002.jpg", "thumbs/t_003.jpg");
    assertThat(done.outputs()).allMatch(o -> "image/jpeg".equals(o.contentType()) && o.size() > 0);
    LocalStorage storage = LocalStorage.at(dir.resolve("outputs"));
    assertThat(storage.list(done.id(), "thumbs/")).extracting(StoredFile::name)
        .containsExactly("thumbs/t_001.jpg", "thumbs/t_002.jpg", "thumbs/t_003.jpg");
    // Each stored thumbnail is a picture a reader decodes: one frame, at the source's size.
    String prefix = serve(done);
    for (String name : names(done)) {
      CapturedRun decode = CapturedRun.run(List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-i", prefix + name,
          "-f", "framecrc", "-"), dir, null, Duration.ofSeconds(60));
      assertThat(decode.succeeded()).as("decoding %s: %s", name, decode.stderr()).isTrue();
      assertThat(decode.stdout().lines().filter(l -> !l.startsWith("#")).count()).as("frames of %s", name)
          .isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_plain_output_past_the_byte_limit_fails_the_task_and_leaves_nothing_stored(TestFfmpeg.Build build)
      throws Exception {
    Task done = run(build, new OutputLimits(10, 1_000), "-i in.mp4 " + X264 + "out.mp4", "out.mp4");

    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.RESOURCES);
    assertThat(done.errorMessage()).contains("more than 1000 bytes (MAX_OUTPUT_BYTES)");
    assertThat(LocalStorage.at(dir.resolve("outputs")).list(done.id(), "")).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void segments_are_stored_while_ffmpeg_encodes_and_a_cancelled_task_leaves_none() throws Exception {
    ffmpeg = TestFfmpeg.Build.INSTALLED.installation();
    LocalStorage storage = LocalStorage.at(dir.resolve("outputs"));
    queue = FfmpegQueue.builder()
        .fetcher(FileInputFetcher.allowing(media))
        .storage(storage)
        .runner(ProcessFfmpegRunner.builder().installation(ffmpeg).sandbox(Sandbox.AUTO).build())
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .pollWait(Duration.ofMillis(200))
        .workers(1)
        .build();
    // Real time (-re) for a minute: the playlist lists each segment as ffmpeg closes it.
    io.ffmpegqueue.Submission s = queue.submit(TaskRequest.builder()
        .command("-re -f lavfi -i testsrc=s=160x120:r=10:d=60 -c:v libx264 -preset ultrafast -g 10 -f hls "
            + "-hls_time 1 -hls_list_size 0 -hls_segment_filename hls/seg_%03d.ts hls/index.m3u8")
        .output("hls/").maxAttempts(1).build());

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> storage.list(s.task().id(), "hls/").size() >= 2);
    assertThat(storage.list(s.task().id(), "hls/")).extracting(StoredFile::name)
        .allMatch(n -> n.endsWith(".ts")); // the playlist only after ffmpeg exits
    queue.cancel(s.task().id());
    Task done = s.completion().get(60, TimeUnit.SECONDS);

    assertThat(done.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(storage.list(done.id(), "")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_task_past_its_output_file_limit_fails_and_leaves_nothing_stored(TestFfmpeg.Build build) throws Exception {
    Task done = run(build, new OutputLimits(2, 1L << 30), "-i in.mp4 -vf fps=2 -q:v 5 t_%03d.jpg", "t_%03d.jpg");

    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.RESOURCES);
    assertThat(done.errorMessage()).contains("more than 2 output files (MAX_OUTPUT_FILES)");
    assertThat(LocalStorage.at(dir.resolve("outputs")).list(done.id(), "")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestFfmpeg.Build.class)
  void a_declared_folder_that_gets_no_file_fails_the_task_naming_it(TestFfmpeg.Build build) throws Exception {
    // A filter that drops every frame: ffmpeg succeeds without writing an image.
    Task done = run(build, "-i in.mp4 -vf select=0 thumbs/t_%03d.png", "thumbs/");

    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.MISSING_OUTPUT);
    assertThat(done.errorMessage()).contains("wrote no file in the declared folder 'thumbs/'");
  }
}
