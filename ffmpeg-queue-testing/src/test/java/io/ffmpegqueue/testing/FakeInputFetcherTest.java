package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeInputFetcherTest {
  @TempDir
  Path workspace;

  private final FakeInputFetcher fetcher = new FakeInputFetcher();

  private FetchRequest request(String uri) {
    return new FetchRequest("input.mp4", URI.create(uri), workspace.resolve("input.mp4"), new FakeTaskContext());
  }

  @Test
  void it_serves_test_and_web_schemes_by_default_and_others_when_asked() {
    assertThat(fetcher.schemes()).containsExactlyInAnyOrder("test", "http", "https");
    assertThat(FakeInputFetcher.forSchemes("S3", "gs").schemes()).containsExactlyInAnyOrder("s3", "gs");
  }

  @Test
  void a_registered_uri_is_written_to_the_target_and_recorded() throws Exception {
    fetcher.serve("https://cdn.example.com/cat.mp4", new byte[] {4, 2});
    fetcher.fetch(request("https://cdn.example.com/cat.mp4"));
    assertThat(Files.readAllBytes(workspace.resolve("input.mp4"))).containsExactly(4, 2);
    assertThat(fetcher.fetched()).containsExactly(URI.create("https://cdn.example.com/cat.mp4"));
  }

  @Test
  void an_unregistered_uri_serves_the_default_content_unless_refused() throws Exception {
    fetcher.fetch(request("test://anything"));
    assertThat(Files.readAllBytes(workspace.resolve("input.mp4"))).isEqualTo(FakeInputFetcher.DEFAULT_CONTENT);
    Files.delete(workspace.resolve("input.mp4"));
    fetcher.refuseUnregistered();
    assertThatThrownBy(() -> fetcher.fetch(request("test://anything")))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
          assertThat(e.retryable()).isFalse();
        })
        .hasMessageContaining("input 'input.mp4': HTTP 404 from test://anything");
    assertThat(workspace.resolve("input.mp4")).doesNotExist();
  }

  @Test
  void planned_failures_come_first_then_the_uri_is_served_again() throws Exception {
    String uri = "https://cdn.example.com/dog.mp4";
    fetcher.serve(uri, new byte[] {1}).failNext(uri, "HTTP 503", true).failNext(uri, "connection reset", false);
    assertThatThrownBy(() -> fetcher.fetch(request(uri)))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessage("input 'input.mp4': HTTP 503 from " + uri);
    assertThatThrownBy(() -> fetcher.fetch(request(uri)))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("connection reset");
    fetcher.fetch(request(uri));
    assertThat(Files.readAllBytes(workspace.resolve("input.mp4"))).containsExactly(1);
    assertThat(fetcher.fetched()).hasSize(3);
  }
}
