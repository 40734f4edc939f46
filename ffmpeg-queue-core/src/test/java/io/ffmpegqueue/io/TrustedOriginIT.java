package io.ffmpegqueue.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HttpInputFetcher.Builder#trustOrigin}: exactly one scheme, host and port, and no redirect away from it. */
class TrustedOriginIT {
  @TempDir
  Path dir;

  private final StoppableContext context = new StoppableContext();
  private final byte[] content = new byte[4096];
  private RangeServer trusted;
  private RangeServer other;
  private HttpInputFetcher fetcher;

  @BeforeEach
  void start() throws java.io.IOException {
    new Random(7).nextBytes(content);
    trusted = new RangeServer().file("/v.mp4", content);
    other = new RangeServer().file("/v.mp4", content);
  }

  @AfterEach
  void stop() {
    if (fetcher != null) {
      fetcher.close();
    }
    trusted.close();
    other.close();
  }

  private Path fetch(String url) {
    Path target = dir.resolve("in.mp4");
    fetcher.fetch(new FetchRequest("in.mp4", URI.create(url), target, context));
    return target;
  }

  private TaskFailureException failure(String url) {
    TaskFailureException e = catchThrowableOfType(TaskFailureException.class, () -> fetch(url));
    assertThat(e).as("the fetch of " + url + " fails").isNotNull();
    assertThat(dir).isEmptyDirectory();
    return e;
  }

  @Test
  void a_trusted_loopback_origin_is_reached_but_another_port_of_the_same_host_is_not() throws Exception {
    fetcher = HttpInputFetcher.builder().onlyAllowed(true)
        .trustOrigin(URI.create("http://127.0.0.1:" + trusted.port())).build();

    fetcher.validate("in.mp4", URI.create(trusted.url("/v.mp4?X-Amz-Signature=s")));
    assertThat(Files.readAllBytes(fetch(trusted.url("/v.mp4?X-Amz-Signature=s")))).isEqualTo(content);
    Files.delete(dir.resolve("in.mp4"));

    assertThatThrownBy(() -> fetcher.validate("in.mp4", URI.create(other.url("/v.mp4"))))
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("which inputs may not use");
    assertThat(failure(other.url("/v.mp4")).getMessage()).contains("127.0.0.1", "which inputs may not use");
    assertThat(failure("https://127.0.0.1:" + trusted.port() + "/v.mp4").getMessage())
        .as("another scheme is another origin").contains("which inputs may not use");
    assertThat(other.seen()).isEmpty();
  }

  @Test
  void a_trusted_name_is_reached_on_its_port_only_even_when_it_resolves_to_loopback() throws Exception {
    okhttp3.Dns fake = host -> List.of(InetAddress.getByName("127.0.0.1"));
    fetcher = HttpInputFetcher.builder().dns(fake)
        .trustOrigin(URI.create("http://store.test:" + trusted.port() + "/")).build();

    assertThat(Files.readAllBytes(fetch("http://store.test:" + trusted.port() + "/v.mp4"))).isEqualTo(content);
    Files.delete(dir.resolve("in.mp4"));

    TaskFailureException e = failure("http://store.test:" + other.port() + "/v.mp4");
    assertThat(e.getMessage()).contains("resolves to 127.0.0.1, a loopback address, which inputs may not use");
    assertThat(other.seen()).isEmpty();
  }

  @Test
  void a_redirect_away_from_a_trusted_origin_is_refused_even_to_an_allowed_host() throws Exception {
    try (MockWebServer mock = new MockWebServer()) {
      mock.start(InetAddress.getByName("127.0.0.1"), 0);
      mock.enqueue(new MockResponse.Builder().code(307).addHeader("Location", other.url("/v.mp4")).build());
      fetcher = HttpInputFetcher.builder().allow("127.0.0.1")
          .trustOrigin(URI.create("http://127.0.0.1:" + mock.getPort())).build();

      TaskFailureException e = failure("http://127.0.0.1:" + mock.getPort() + "/v.mp4?X-Amz-Signature=secret");
      assertThat(e.getMessage()).isEqualTo("input 'in.mp4': redirect from http://127.0.0.1:" + mock.getPort()
          + "/v.mp4 to " + other.url("/v.mp4") + ": a fetch from a trusted origin follows no redirect away from it");
      assertThat(e.retryable()).isFalse();
      assertThat(other.seen()).isEmpty();
    }
  }

  @Test
  void a_trusted_origin_is_only_a_scheme_a_host_and_a_port() {
    for (String bad : new String[] {"http://127.0.0.1:9000/bucket", "http://u:p@127.0.0.1:9000", "ftp://127.0.0.1",
        "http://127.0.0.1:9000?x=1", "//127.0.0.1:9000"}) {
      assertThatThrownBy(() -> HttpInputFetcher.builder().trustOrigin(URI.create(bad)), bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trusted origin")
          .hasMessageNotContaining("u:p");
    }
  }
}
