package io.ffmpegqueue.examples.docs;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.io.HttpInputFetcher;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The samples of docs/security.md: loosening each defence for trusted callers, one named thing at a time. */
class SecuritySamplesTest {

  @Test
  void a_loosened_policy_allows_what_it_names_and_nothing_else() {
    // sample:loosen-policy
    CommandPolicy trusted = CommandPolicy.builder()  // starts from CommandPolicy.strict()
        .allowOutputFormats("segment")               // a muxer that writes files the task does not declare
        .allowInputFormats("concat")                 // a demuxer that reads the files a list names
        .allowOptions("attach")                      // an option strict refuses, by name
        .allowFilters("sendcmd")                     // a filter whose file arguments go unchecked
        .build();
    // FfmpegQueue.builder().commandPolicy(trusted).runner(ProcessFfmpegRunner.builder().policy(trusted).build())
    // end-sample
    FfmpegCommand segment = FfmpegCommand.parse("-i in.mp4 -f segment -segment_list list.m3u8 out.mp4");
    assertThatThrownBy(() -> CommandPolicy.strict().check(segment, Set.of("in.mp4"), Set.of("out.mp4")))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessageContaining("'list.m3u8' is outside the declared outputs");
    assertThatCode(() -> trusted.check(segment, Set.of("in.mp4"), Set.of("out.mp4"))).doesNotThrowAnyException();
    // A trusted muxer's file options still name no paths.
    assertThatThrownBy(() -> trusted.check(FfmpegCommand.parse("-i in.mp4 -f segment -segment_list /tmp/l.m3u8 out.mp4"),
        Set.of("in.mp4"), Set.of("out.mp4"))).hasMessageContaining("is a path");
    // Still refused whatever the policy: a path instead of a declared file.
    assertThatThrownBy(() -> trusted.check(FfmpegCommand.parse("-i /etc/passwd out.mp4"), Set.of("in.mp4"), Set.of("out.mp4")))
        .hasMessageContaining("is a path");
  }

  @Test
  void the_allow_list_lets_inputs_come_from_the_named_private_networks_only() {
    // sample:allow-hosts
    HttpInputFetcher http = HttpInputFetcher.builder()
        .allowHosts("media.internal, *.storage.internal, 10.20.0.0/16")  // INPUT_ALLOWED_HOSTS
        .build();
    // FfmpegQueue.builder().fetcher(http) ...
    // end-sample
    try (http; HttpInputFetcher strict = HttpInputFetcher.create()) {
      URI internal = URI.create("http://10.20.1.2/video.mp4");
      assertThatCode(() -> http.validate("in.mp4", internal)).doesNotThrowAnyException();
      assertThatThrownBy(() -> strict.validate("in.mp4", internal)).isInstanceOf(InvalidTaskException.class);
      assertThatThrownBy(() -> http.validate("in.mp4", URI.create("http://169.254.169.254/latest/meta-data")))
          .isInstanceOf(InvalidTaskException.class);
      assertThatThrownBy(() -> http.validate("in.mp4", URI.create("http://user:pw@media.internal/x.mp4")))
          .hasMessageContaining("carries credentials");
    }
  }

  @Test
  void only_allowed_refuses_public_hosts_too() {
    // sample:only-allowed
    HttpInputFetcher http = HttpInputFetcher.builder()
        .allowHosts("media.example.com")
        .onlyAllowed(true)                           // public hosts not listed are refused too
        .httpsOnly()                                 // and plain http
        .build();
    // end-sample
    try (http) {
      assertThatCode(() -> http.validate("in.mp4", URI.create("https://media.example.com/a.mp4"))).doesNotThrowAnyException();
      assertThatThrownBy(() -> http.validate("in.mp4", URI.create("https://93.184.215.14/a.mp4")))
          .isInstanceOf(InvalidTaskException.class);
      assertThatThrownBy(() -> http.validate("in.mp4", URI.create("http://media.example.com/a.mp4")))
          .isInstanceOf(InvalidTaskException.class);
    }
  }

  /** Compiled, not run here: building a runner locates and starts ffmpeg. */
  static ProcessFfmpegRunner.Builder requiredSandbox() {
    // sample:sandbox-required
    ProcessFfmpegRunner.Builder runner = ProcessFfmpegRunner.builder()
        .sandbox(Sandbox.REQUIRED);  // build() fails, saying why, where bubblewrap does not work
    // end-sample
    return runner;
  }

  @Test
  void the_sandbox_sample_is_a_builder() {
    assertThatCode(SecuritySamplesTest::requiredSandbox).doesNotThrowAnyException();
  }
}
