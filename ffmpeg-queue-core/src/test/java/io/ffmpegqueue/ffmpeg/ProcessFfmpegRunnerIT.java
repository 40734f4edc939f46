package io.ffmpegqueue.ffmpeg;

import static io.ffmpegqueue.ffmpeg.TestFfmpeg.alive;
import static io.ffmpegqueue.ffmpeg.TestFfmpeg.ffmpegProcesses;
import static io.ffmpegqueue.ffmpeg.TestFfmpeg.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.spi.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The runner against both the installed (distribution) ffmpeg and the bundled one. */
@ParameterizedClass(name = "{0} ffmpeg")
@EnumSource(TestFfmpeg.Build.class)
class ProcessFfmpegRunnerIT {
  /** A long, cheap encode: real time (-re), tiny frames, so a stop always comes mid-encode. */
  private static final String LONG_ENCODE =
      "-re -f lavfi -i testsrc=d=60:s=160x120:r=10 -c:v libx264 -preset ultrafast out.mp4";

  @TempDir
  static Path media;
  static Path input;
  static ProcessFfmpegRunner sandboxed;
  static ProcessFfmpegRunner plain;

  @Parameter
  TestFfmpeg.Build build;

  @TempDir
  Path workspace;

  @BeforeAll
  static void makeMedia() {
    input = TestFfmpeg.video(media, "in.mp4", 3);
  }

  @BeforeParameterizedClassInvocation
  static void makeRunners(TestFfmpeg.Build build) {
    sandboxed = runnerOf(build).sandbox(Sandbox.REQUIRED)
        .quitGracePeriod(Duration.ofSeconds(3)).killGracePeriod(Duration.ofSeconds(1)).build();
    plain = runnerOf(build).sandbox(Sandbox.NONE)
        .quitGracePeriod(Duration.ofSeconds(3)).killGracePeriod(Duration.ofSeconds(1)).build();
    assertThat(sandboxed.installation().source()).isEqualTo(build == TestFfmpeg.Build.BUNDLED
        ? "bundled org.bytedeco:ffmpeg" : "PATH");
  }

  private static ProcessFfmpegRunner.Builder runnerOf(TestFfmpeg.Build build) {
    return ProcessFfmpegRunner.builder().installation(build.installation());
  }

  private ProcessFfmpegRunner.Builder runnerBuilder() {
    return runnerOf(build);
  }

  private static ProcessFfmpegRunner runner(Sandbox s) {
    return s == Sandbox.NONE ? plain : sandboxed;
  }

  private void copyInput() throws Exception {
    Files.copy(input, workspace.resolve("in.mp4"));
  }

  @ParameterizedTest(name = "sandbox {0}")
  @EnumSource(value = Sandbox.class, names = {"REQUIRED", "NONE"})
  void a_transcode_succeeds_reports_progress_up_to_one_and_probes_its_output(Sandbox sandbox) throws Exception {
    copyInput();
    String command = "-i in.mp4 -vf scale=160:120 -c:v libx264 -preset ultrafast -c:a aac out.mp4";
    TestFfmpeg.Context ctx = new TestFfmpeg.Context(command, List.of("in.mp4"), List.of("out.mp4"));
    FfmpegResult result = runner(sandbox).run(job(workspace, command, List.of("in.mp4"), List.of("out.mp4"), ctx));

    assertThat(runner(sandbox).sandboxed()).isEqualTo(sandbox == Sandbox.REQUIRED);
    assertThat(Files.size(workspace.resolve("out.mp4"))).isPositive();
    MediaInfo m = result.media().get("out.mp4");
    assertThat(m.formatName()).contains("mp4");
    assertThat(m.durationSeconds()).isCloseTo(3.0, within(0.3));
    assertThat(m.streams()).extracting(MediaInfo.StreamInfo::type, MediaInfo.StreamInfo::codec,
            MediaInfo.StreamInfo::width, MediaInfo.StreamInfo::height)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("video", "h264", 160, 120),
            org.assertj.core.groups.Tuple.tuple("audio", "aac", null, null));
    assertThat(result.elapsed()).isPositive();
    List<Double> fractions = ctx.progress.stream().map(Progress::fraction).toList();
    assertThat(fractions).isNotEmpty().doesNotContainNull().isSorted();
    assertThat(fractions.get(fractions.size() - 1)).isEqualTo(1.0);
    assertThat(fractions.subList(0, fractions.size() - 1)).allMatch(f -> f < 1.0);
  }

  @Test
  void outputs_are_described_from_ffmpegs_own_report_without_starting_ffprobe() throws Exception {
    copyInput();
    FfmpegInstallation found = sandboxed.installation();
    // No ffprobe at all: whatever the result describes came from ffmpeg's report.
    ProcessFfmpegRunner noProbe = runnerBuilder().sandbox(Sandbox.REQUIRED)
        .installation(new FfmpegInstallation(found.ffmpeg(), null, found.version(), found.source())).build();
    String command = "-i in.mp4 -vf scale=160:120 -c:v libx264 -preset ultrafast -c:a aac out.mp4";
    TestFfmpeg.Context ctx = new TestFfmpeg.Context(command, List.of("in.mp4"), List.of("out.mp4"));

    MediaInfo m = noProbe.run(job(workspace, command, List.of("in.mp4"), List.of("out.mp4"), ctx)).media().get("out.mp4");

    assertThat(m.formatName()).isEqualTo("mp4");
    assertThat(m.durationSeconds()).isCloseTo(3.0, within(0.2));
    assertThat(m.streams()).extracting(MediaInfo.StreamInfo::index, MediaInfo.StreamInfo::type,
            MediaInfo.StreamInfo::codec, MediaInfo.StreamInfo::width, MediaInfo.StreamInfo::height)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "video", "h264", 160, 120),
            org.assertj.core.groups.Tuple.tuple(1, "audio", "aac", null, null));
  }

  @Test
  void ffprobe_describes_outputs_when_asked_and_when_the_log_level_hides_ffmpegs_report() throws Exception {
    copyInput();
    ProcessFfmpegRunner probing = runnerBuilder().sandbox(Sandbox.REQUIRED)
        .installation(sandboxed.installation()).outputDescription(OutputDescription.FFPROBE).build();
    String copy = "-i in.mp4 -c copy out.mp4";
    MediaInfo probed = probing.run(job(workspace, copy, List.of("in.mp4"), List.of("out.mp4"),
        new TestFfmpeg.Context(copy, List.of("in.mp4"), List.of("out.mp4")))).media().get("out.mp4");
    // ffprobe names the demuxers that read the file, ffmpeg the muxer that wrote it.
    assertThat(probed.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
    assertThat(probed.durationSeconds()).isCloseTo(3.0, within(0.1));

    String quiet = "-loglevel error -i in.mp4 -c copy quiet.mp4";
    MediaInfo fallback = sandboxed.run(job(workspace, quiet, List.of("in.mp4"), List.of("quiet.mp4"),
        new TestFfmpeg.Context(quiet, List.of("in.mp4"), List.of("quiet.mp4")))).media().get("quiet.mp4");
    assertThat(fallback.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
    assertThat(fallback.streams()).extracting(MediaInfo.StreamInfo::type).containsExactly("video", "audio");

    ProcessFfmpegRunner none = runnerBuilder().sandbox(Sandbox.REQUIRED)
        .installation(sandboxed.installation()).outputDescription(OutputDescription.NONE).build();
    String again = "-i in.mp4 -c copy none.mp4";
    assertThat(none.run(job(workspace, again, List.of("in.mp4"), List.of("none.mp4"),
        new TestFfmpeg.Context(again, List.of("in.mp4"), List.of("none.mp4")))).media()).isEmpty();
  }

  @Test
  void in_the_sandbox_ffmpeg_cannot_read_a_file_outside_its_workspace_even_if_the_policy_were_bypassed() {
    // The policy would refuse this path at submission; here the job is handed to the runner directly.
    String command = "-i " + input.toAbsolutePath() + " -c copy out.mp4";
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of(), List.of("out.mp4"));
    assertThatThrownBy(() -> sandboxed.run(job(workspace, command, List.of(), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("No such file or directory")
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.FFMPEG));

    // Without the sandbox only the policy stands between the command and the file: the same job reads it.
    TestFfmpeg.Context ctx2 = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of(), List.of("out.mp4"));
    plain.run(job(workspace, command, List.of(), List.of("out.mp4"), ctx2));
    assertThat(workspace.resolve("out.mp4")).isNotEmptyFile();
  }

  @Test
  void in_the_sandbox_a_filter_cannot_open_a_file_outside_the_workspace_either() throws Exception {
    // The movie filter opens files itself, without the per-input whitelists.
    Path secret = Files.copy(input, media.resolve("secret.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String command = "-f lavfi -i movie=" + secret + " -c:v libx264 -preset ultrafast out.mp4";
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    assertThatThrownBy(() -> sandboxed.run(job(workspace, command, List.of(), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("No such file or directory");
    plain.run(job(workspace, command, List.of(), List.of("out.mp4"), new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"))));
    assertThat(workspace.resolve("out.mp4")).isNotEmptyFile();
  }

  @Test
  void without_bubblewrap_auto_falls_back_to_the_policy_and_required_refuses_to_start() {
    Path missing = media.resolve("no-such-bwrap");
    assertThatThrownBy(() -> runnerBuilder().bubblewrap(missing).sandbox(Sandbox.REQUIRED).build())
        .isInstanceOf(FfmpegQueueException.class)
        .hasMessageContaining("Sandbox.REQUIRED, but bubblewrap (bwrap) is not installed at " + missing);
    ProcessFfmpegRunner auto = runnerBuilder().bubblewrap(missing).sandbox(Sandbox.AUTO).build();
    assertThat(auto.sandboxed()).isFalse();
    assertThat(auto.sandboxStatus().degraded()).isTrue();
    assertThat(auto.sandboxStatus().detail())
        .isEqualTo("no sandbox (Sandbox.AUTO fell back): bubblewrap (bwrap) is not installed at " + missing);
    assertThat(plain.sandboxStatus().degraded()).isFalse();
    assertThat(sandboxed.sandboxStatus()).satisfies(s -> {
      assertThat(s.isolated()).isTrue();
      assertThat(s.degraded()).isFalse();
      assertThat(s.detail()).matches("bubblewrap \\d+\\.\\d+.*");
    });
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    auto.run(job(workspace, "-f lavfi -i testsrc=d=1:s=64x64 out.mp4", List.of(), List.of("out.mp4"), ctx));
    assertThat(workspace.resolve("out.mp4")).isNotEmptyFile();
  }

  @Test
  void an_ffmpeg_error_is_surfaced_with_its_reason_and_the_stderr_tail() throws Exception {
    copyInput();
    String command = "-i in.mp4 -c:v no_such_encoder out.mp4";
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
    assertThatThrownBy(() -> sandboxed.run(job(workspace, command, List.of("in.mp4"), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageStartingWith("ffmpeg failed (exit status ")
        .hasMessageContaining("Unknown encoder 'no_such_encoder'")
        .satisfies(e -> {
          TaskFailureException f = (TaskFailureException) e;
          assertThat(f.kind()).isEqualTo(ErrorKind.FFMPEG);
          assertThat(f.retryable()).isFalse();
          assertThat(f.stderrTail()).contains("no_such_encoder");
        });
  }

  @Test
  void a_corrupt_input_fails_with_ffmpegs_reason() throws Exception {
    Files.write(workspace.resolve("in.mp4"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
    assertThatThrownBy(() -> sandboxed.run(job(workspace, "-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("in.mp4");
  }

  @Test
  void an_input_that_is_a_playlist_is_refused_before_ffmpeg_runs() throws Exception {
    Files.writeString(workspace.resolve("in.mp4"), "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\n" + input + "\n#EXT-X-ENDLIST\n");
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
    assertThatThrownBy(() -> plain.run(job(workspace, "-i in.mp4 -c copy out.mp4", List.of("in.mp4"), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("input 'in.mp4' is a playlist (hls)");
  }

  @Test
  void a_declared_output_that_ffmpeg_did_not_write_fails_the_task_naming_it() throws Exception {
    copyInput();
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
    assertThatThrownBy(() -> plain.run(job(workspace, "-i in.mp4 -c copy out.mp4", List.of("in.mp4"),
            List.of("out.mp4", "other.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("did not write the declared output 'other.mp4'")
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.MISSING_OUTPUT));
  }

  @ParameterizedTest(name = "sandbox {0}")
  @EnumSource(value = Sandbox.class, names = {"REQUIRED", "NONE"})
  void a_stop_mid_encode_ends_ffmpeg_promptly_and_leaves_no_process(Sandbox sandbox) throws Exception {
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    // Grace periods far longer than the wait below: the run can only end in time if 'q' ended ffmpeg.
    ProcessFfmpegRunner patient = runnerBuilder().sandbox(sandbox)
        .quitGracePeriod(Duration.ofMinutes(10)).killGracePeriod(Duration.ofMinutes(10)).build();
    CompletableFuture<FfmpegResult> run = CompletableFuture.supplyAsync(
        () -> patient.run(job(workspace, LONG_ENCODE, List.of(), List.of("out.mp4"), ctx)));
    await().atMost(Duration.ofSeconds(20)).until(() -> !ctx.progress.isEmpty());
    Set<Long> pids = ffmpegProcesses();
    assertThat(pids).isNotEmpty();

    ctx.stop(StopReason.CANCELLED);
    assertThatThrownBy(() -> run.get(15, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("cancelled")
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.CANCELLED));
    await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(TestFfmpeg::alive));
  }

  @Test
  void an_ffmpeg_that_ignores_q_is_terminated_after_the_grace_periods() throws Exception {
    ProcessFfmpegRunner impatient = runnerBuilder().sandbox(Sandbox.REQUIRED)
        .quitGracePeriod(Duration.ofMillis(300)).killGracePeriod(Duration.ofMillis(300)).build();
    // -nostdin (refused by the policy) makes ffmpeg deaf to 'q'.
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    CompletableFuture<FfmpegResult> run = CompletableFuture.supplyAsync(
        () -> impatient.run(job(workspace, "-nostdin " + LONG_ENCODE, List.of(), List.of("out.mp4"), ctx)));
    await().atMost(Duration.ofSeconds(20)).until(() -> !ctx.progress.isEmpty());
    Set<Long> pids = ffmpegProcesses();
    ctx.stop(StopReason.TIMED_OUT);
    assertThatThrownBy(() -> run.get(15, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(TaskFailureException.class)
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.TIMEOUT));
    await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(TestFfmpeg::alive));
  }

  @Test
  void an_ffmpeg_killed_by_sigkill_from_outside_is_reported_as_out_of_memory() throws Exception {
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    CompletableFuture<FfmpegResult> run = CompletableFuture.supplyAsync(
        () -> plain.run(job(workspace, LONG_ENCODE, List.of(), List.of("out.mp4"), ctx)));
    await().atMost(Duration.ofSeconds(20)).until(() -> !ctx.progress.isEmpty());
    ProcessHandle ffmpeg = ProcessHandle.current().descendants()
        .filter(h -> h.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).findFirst().orElseThrow();
    ffmpeg.destroyForcibly();
    assertThatThrownBy(() -> run.get(15, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("exit status 137")
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.OUT_OF_MEMORY));
  }

  @Test
  void the_stderr_tail_is_bounded() throws Exception {
    ProcessFfmpegRunner small = runnerBuilder().sandbox(Sandbox.NONE).stderrTailBytes(1024).build();
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i x out.mp4", List.of(), List.of("out.mp4"));
    // -loglevel debug writes far more than 1 KiB before the error.
    String command = "-loglevel debug -f lavfi -i testsrc=d=1:s=64x64 -c:v no_such_encoder out.mp4";
    assertThatThrownBy(() -> small.run(job(workspace, command, List.of(), List.of("out.mp4"), ctx)))
        .isInstanceOf(TaskFailureException.class)
        .satisfies(e -> assertThat(((TaskFailureException) e).stderrTail()).hasSizeLessThanOrEqualTo(1024)
            .contains("no_such_encoder"));
  }
}
