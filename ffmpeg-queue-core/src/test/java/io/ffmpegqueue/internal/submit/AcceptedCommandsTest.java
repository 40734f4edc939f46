package io.ffmpegqueue.internal.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The submitter remembers commands the policy accepted; that must never let a refused one through. */
class AcceptedCommandsTest {
  private static final String COMMAND = "-i in.mp4 -c:v libx264 out.mp4";

  private static TaskRequest request(String command, String input, String output) {
    return TaskRequest.builder().command(command).input(input, URI.create("https://cdn.example.com/x.mp4"))
        .output(output).build();
  }

  @Test
  void an_accepted_command_is_checked_again_with_other_declared_files() {
    try (FfmpegQueue q = FfmpegQueue.builder().fetcher(new HttpsFetcher()).workers(0).build()) {
      q.submit(request(COMMAND, "in.mp4", "out.mp4"));
      q.submit(request(COMMAND, "in.mp4", "out.mp4")); // remembered: accepted again
      assertThatThrownBy(() -> q.submit(request(COMMAND, "in.mp4", "other.mp4")))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("command"))
          .hasMessageContaining("output 'out.mp4'");
      assertThatThrownBy(() -> q.submit(request(COMMAND, "other.mp4", "out.mp4")))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("command"))
          .hasMessageContaining("input 'in.mp4'");
      assertThat(q.queueSize()).isEqualTo(2);
    }
  }

  @Test
  void a_refused_command_stays_refused_and_each_queue_asks_its_own_policy() {
    String attach = "-i in.mp4 -attach in.mp4 out.mp4";
    try (FfmpegQueue strict = FfmpegQueue.builder().fetcher(new HttpsFetcher()).workers(0).build();
        FfmpegQueue lenient = FfmpegQueue.builder().fetcher(new HttpsFetcher()).workers(0)
            .commandPolicy(CommandPolicy.builder().allowOptions("attach").build()).build()) {
      lenient.submit(request(attach, "in.mp4", "out.mp4"));
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> strict.submit(request(attach, "in.mp4", "out.mp4")))
            .isInstanceOf(InvalidTaskException.class).hasMessageContaining("-attach");
      }
      assertThat(strict.queueSize()).isZero();
      assertThat(lenient.queueSize()).isEqualTo(1);
    }
  }

  @Test
  void more_commands_than_it_remembers_are_all_still_checked() {
    try (FfmpegQueue q = FfmpegQueue.builder().fetcher(new HttpsFetcher()).workers(0).build()) {
      for (int i = 0; i < 600; i++) {
        q.submit(request("-i in.mp4 -crf " + i + " out.mp4", "in.mp4", "out.mp4"));
      }
      assertThatThrownBy(() -> q.submit(request("-i in.mp4 -crf 1 /etc/out.mp4", "in.mp4", "out.mp4")))
          .isInstanceOf(InvalidTaskException.class);
      assertThat(q.queueSize()).isEqualTo(600);
    }
  }

  private static final class HttpsFetcher implements InputFetcher {
    @Override
    public Set<String> schemes() {
      return Set.of("https");
    }

    @Override
    public void validate(String name, URI uri) {}

    @Override
    public void fetch(FetchRequest request) {
      throw new UnsupportedOperationException();
    }
  }
}
