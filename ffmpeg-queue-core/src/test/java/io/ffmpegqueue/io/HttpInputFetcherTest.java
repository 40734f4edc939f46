package io.ffmpegqueue.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the HTTP fetcher decides without the network: submission checks, and refusals before any connect. */
class HttpInputFetcherTest {
  @TempDir
  Path dir;

  private HttpInputFetcher fetcher;

  @AfterEach
  void close() {
    if (fetcher != null) {
      fetcher.close();
    }
  }

  private InvalidTaskException invalid(HttpInputFetcher f, String url) {
    InvalidTaskException e = catchThrowableOfType(InvalidTaskException.class, () -> f.validate("in.mp4", URI.create(url)));
    assertThat(e).as(url + " is refused at submission").isNotNull();
    assertThat(e.field()).isEqualTo("input_files");
    return e;
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(delimiter = '|', value = {
      "http://10.0.0.1/v.mp4|a private address",
      "http://172.16.5.4/v.mp4|a private address",
      "http://192.168.0.1/v.mp4|a private address",
      "http://3232235521/v.mp4|a private address",
      "http://0xc0a80001/v.mp4|a private address",
      "http://0300.0250.0.1/v.mp4|a private address",
      "http://169.254.169.254/latest/meta-data/|the cloud metadata service",
      "http://0xa9fea9fe/latest/meta-data/|the cloud metadata service",
      "http://2852039166/latest/meta-data/|the cloud metadata service",
      "http://169.254.43518/|the cloud metadata service",
      "http://[fd00:ec2::254]/|a unique-local address",
      "http://[fe80::1]/v.mp4|a link-local address",
      "http://[fc00::1]/v.mp4|a unique-local address",
      "http://224.0.0.251/v.mp4|a multicast address",
      "http://[ff02::1]/v.mp4|a multicast address",
      "http://0.0.0.0/v.mp4|an unspecified address",
      "http://0/v.mp4|an unspecified address",
      "http://[::]/v.mp4|an unspecified address",
      "http://[::ffff:10.0.0.1]/v.mp4|a private address",
      "http://[::ffff:a9fe:a9fe]/|the cloud metadata service",
      "http://[64:ff9b::a9fe:a9fe]/|NAT64 form of a link-local address",
      "http://[2002:a9fe:a9fe::]/|6to4 form of a link-local address",
      "http://[::127.0.0.1]/v.mp4|IPv4-compatible",
      "http://100.64.0.1/v.mp4|carrier-grade NAT",
      "https://127.0.0.1/v.mp4|a loopback address",
      "https://[::1]:8443/v.mp4|a loopback address",
      "http://localhost/v.mp4|names the local host",
      "http://LOCALHOST./v.mp4|names the local host",
      "http://metrics.localhost/v.mp4|names the local host",
  })
  void a_url_that_points_at_a_refused_address_is_refused_at_submission_and_at_fetch(String url, String why) {
    fetcher = HttpInputFetcher.builder().allowHosts("cdn.example.com,203.0.113.0/24").build();
    assertThat(invalid(fetcher, url).getMessage()).contains(why);
    StoppableContext context = new StoppableContext();
    TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
        () -> fetcher.fetch(new FetchRequest("in.mp4", URI.create(url), dir.resolve("in.mp4"), context)));
    assertThat(e.getMessage()).startsWith("input 'in.mp4': ").contains(why);
    assertThat(e.retryable()).isFalse();
    assertThat(dir).isEmptyDirectory();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://10.0.0.1/v.mp4|10.0.0.0/8",
      "http://0xa000001/v.mp4|10.0.0.0/8",
      "http://169.254.169.254/x|169.254.169.254",
      "http://[fd00::1]/v.mp4|fd00::/8",
      "http://[::1]/v.mp4|::1",
      "http://localhost/v.mp4|localhost",
      "http://minio:9000/bucket/v.mp4|minio",
      "http://a.media.internal/v.mp4|*.media.internal",
  })
  void an_allow_listed_host_or_network_is_accepted_at_submission(String url, String entry) {
    fetcher = HttpInputFetcher.builder().allow(entry).build();
    assertThatCode(() -> fetcher.validate("in.mp4", URI.create(url))).doesNotThrowAnyException();
  }

  @Test
  void public_hosts_and_addresses_are_accepted_at_submission() {
    fetcher = HttpInputFetcher.create();
    for (String url : new String[] {"https://example.com/v.mp4?X-Amz-Signature=abc", "http://8.8.8.8/v.mp4",
        "https://[2606:4700:4700::1111]/v.mp4", "http://134744072/v.mp4"}) {
      assertThatCode(() -> fetcher.validate("in.mp4", URI.create(url))).as(url).doesNotThrowAnyException();
    }
  }

  @Test
  void allow_list_only_mode_refuses_unlisted_public_hosts() {
    fetcher = HttpInputFetcher.builder().allow("cdn.example.com").onlyAllowed(true).build();
    assertThatCode(() -> fetcher.validate("in.mp4", URI.create("https://cdn.example.com/v.mp4"))).doesNotThrowAnyException();
    assertThat(invalid(fetcher, "https://example.org/v.mp4").getMessage()).contains("not on the allow-list");
    assertThat(invalid(fetcher, "https://8.8.8.8/v.mp4").getMessage()).contains("not on the allow-list");
  }

  @Test
  void a_url_with_credentials_is_refused_without_showing_them() {
    fetcher = HttpInputFetcher.create();
    InvalidTaskException e = invalid(fetcher, "https://user:hunter2@example.com/v.mp4");
    assertThat(e.getMessage()).contains("carries credentials").doesNotContain("hunter2");
  }

  @Test
  void another_scheme_or_a_broken_url_is_refused_with_the_reason() {
    fetcher = HttpInputFetcher.builder().httpsOnly().build();
    assertThat(fetcher.schemes()).containsExactly("https");
    assertThat(invalid(fetcher, "http://example.com/v.mp4").getMessage()).contains("scheme 'http'");
    assertThat(invalid(fetcher, "https:/v.mp4").getMessage()).contains("is not a valid https URL");
    assertThat(invalid(fetcher, "https://1.2.3.4.5/v.mp4").getMessage()).contains("not a valid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"minio:9000", "10.0.0.0/40", "not a host", "[::1]:80"})
  void an_unreadable_allow_list_entry_fails_the_builder(String entry) {
    assertThatThrownBy(() -> HttpInputFetcher.builder().allowHosts("cdn.example.com, " + entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(entry);
  }

  @Test
  void the_builder_refuses_settings_that_make_no_sense() {
    assertThatThrownBy(() -> HttpInputFetcher.builder().maxSize(0)).hasMessageContaining("maxSize");
    assertThatThrownBy(() -> HttpInputFetcher.builder().parallelism(0)).hasMessageContaining("parallelism");
    assertThatThrownBy(() -> HttpInputFetcher.builder().readTimeout(Duration.ZERO)).hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> HttpInputFetcher.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("backoff");
  }
}
