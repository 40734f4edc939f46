package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The sandbox around both the installed (distribution) ffmpeg and the bundled one. */
@ParameterizedClass(name = "{0} ffmpeg")
@EnumSource(TestFfmpeg.Build.class)
class ProcessSandboxIT {
  private static final Path WS = Path.of("/tmp/ffq-work/t1-1-abc");

  @Parameter
  TestFfmpeg.Build build;

  @TempDir
  Path workspace;

  @Test
  void bubblewrap_sees_system_libraries_and_the_ffmpeg_folder_read_only_and_only_the_workspace_writable() {
    FfmpegInstallation ffmpeg = build.installation();
    ProcessSandbox s = ProcessSandbox.create(ffmpeg, Sandbox.REQUIRED, null, List.of(), Map.of());
    assertThat(s.isolated()).isTrue();
    assertThat(s.description()).startsWith("bubblewrap");
    List<String> argv = s.wrap(List.of(ffmpeg.ffmpeg().toString(), "-version"), WS);

    assertThat(argv.get(0)).endsWith("bwrap");
    assertThat(argv).contains("--unshare-all", "--die-with-parent", "--new-session", "--as-pid-1");
    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/usr", "/usr"))).isPositive();
    String folder = ffmpeg.ffmpeg().getParent().toString();
    if (!folder.startsWith("/usr")) {
      assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind-try", folder, folder))).isPositive();
    }
    assertThat(Collections.indexOfSubList(argv, List.of("--bind", WS.toString(), WS.toString(), "--chdir", WS.toString())))
        .isPositive();
    // The only writable bind is the workspace; /tmp is a fresh tmpfs laid before it.
    assertThat(argv.stream().filter(a -> a.equals("--bind"))).hasSize(1);
    assertThat(argv.indexOf("--tmpfs")).isLessThan(argv.indexOf("--bind"));
    assertThat(argv.subList(argv.indexOf("--") + 1, argv.size())).containsExactly(ffmpeg.ffmpeg().toString(), "-version");
  }

  @Test
  void inside_bubblewrap_ffmpeg_and_ffprobe_load_every_library_they_link() {
    FfmpegInstallation ffmpeg = build.installation();
    ProcessSandbox s = ProcessSandbox.create(ffmpeg, Sandbox.REQUIRED, null, List.of(), Map.of());
    for (Path exe : List.of(ffmpeg.ffmpeg(), ffmpeg.ffprobe())) {
      CapturedRun r = CapturedRun.run(s.wrap(List.of(exe.toString(), "-hide_banner", "-version"), workspace),
          workspace, s.environment(workspace), java.time.Duration.ofSeconds(60));
      assertThat(r.stderr()).doesNotContain("error while loading shared libraries");
      assertThat(r.exitCode()).as("%s -version in the sandbox: %s", exe, r.stderr()).isZero();
    }
    // Every library the loader resolves outside the sandbox's usual view is shown, folder by folder.
    List<Path> shown = LibraryFolders.outside(List.of(ffmpeg.ffmpeg()), List.of(Path.of("/usr"), Path.of("/lib"),
        Path.of("/lib64"), ffmpeg.ffmpeg().getParent()), Map.of());
    List<String> argv = s.wrap(List.of("true"), workspace);
    for (Path folder : shown) {
      assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind-try", folder.toString(), folder.toString())))
          .as("%s is bound", folder).isPositive();
    }
  }

  @Test
  void without_a_sandbox_ffmpeg_is_tied_to_the_jvm_by_setpriv_and_the_environment_is_scrubbed() {
    ProcessSandbox s = ProcessSandbox.create(build.installation(), Sandbox.NONE, null, List.of(),
        Map.of("LD_LIBRARY_PATH", "/opt/ffmpeg/lib"));
    assertThat(s.isolated()).isFalse();
    List<String> argv = s.wrap(List.of("ffmpeg", "-version"), WS);
    assertThat(argv).containsSubsequence("--pdeathsig", "KILL", "--", "ffmpeg", "-version");
    assertThat(argv.get(0)).endsWith("setpriv");
    assertThat(s.environment(WS)).containsOnlyKeys("PATH", "LC_ALL", "HOME", "TMPDIR", "LD_LIBRARY_PATH")
        .containsEntry("HOME", WS.toString());
  }
}
