package io.ffmpegqueue.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.spi.StopReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP fetcher against real servers on loopback: a JDK HttpServer with ranges, and OkHttp's MockWebServer. */
class HttpInputFetcherIT {
  @TempDir
  Path dir;

  private final StoppableContext context = new StoppableContext();
  private MockWebServer mock;
  private RangeServer ranges;
  private HttpInputFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    mock = new MockWebServer();
    mock.start(InetAddress.getByName("127.0.0.1"), 0);
    ranges = new RangeServer();
  }

  @AfterEach
  void stop() {
    if (fetcher != null) {
      fetcher.close();
    }
    ranges.close();
    mock.close();
  }

  /** A fetcher that may reach loopback (tests need to), with fast retries. */
  private HttpInputFetcher loopback(UnaryOperator<HttpInputFetcher.Builder> more) {
    fetcher = more.apply(HttpInputFetcher.builder()
        .allow("127.0.0.1")
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)))
        .build();
    return fetcher;
  }

  private String mockUrl(String pathAndQuery) {
    return "http://127.0.0.1:" + mock.getPort() + pathAndQuery;
  }

  private Path fetch(HttpInputFetcher f, String url) {
    Path target = dir.resolve("in.mp4");
    f.fetch(new FetchRequest("in.mp4", URI.create(url), target, context));
    return target;
  }

  private TaskFailureException failure(HttpInputFetcher f, String url) {
    TaskFailureException e = catchThrowableOfType(TaskFailureException.class, () -> fetch(f, url));
    assertThat(e).as("the fetch of " + url + " fails").isNotNull();
    assertThat(dir).as("a failed fetch leaves no file").isEmptyDirectory();
    return e;
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void a_download_streams_the_whole_body_into_the_target_and_leaves_nothing_else() throws Exception {
    byte[] content = random(300_000);
    ranges.file("/video.mp4", content);
    Path target = fetch(loopback(b -> b), ranges.url("/video.mp4?token=abc"));
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
    assertThat(ranges.seen()).singleElement().satisfies(s -> assertThat(s.range()).isEqualTo("bytes=0-"));
    assertThat(context.stopActions()).as("the fetch unsubscribes from the stop signal").isZero();
  }

  @Test
  void a_server_without_range_support_is_read_as_one_stream() throws Exception {
    byte[] content = random(200_000);
    ranges.noRanges().file("/a.mp4", content);
    assertThat(Files.readAllBytes(fetch(loopback(b -> b), ranges.url("/a.mp4")))).isEqualTo(content);
  }

  @Test
  void an_empty_input_downloads_as_an_empty_file() throws Exception {
    ranges.file("/empty.mp4", new byte[0]);
    assertThat(Files.size(fetch(loopback(b -> b), ranges.url("/empty.mp4")))).isZero();
  }

  @Test
  void a_404_fails_at_once_as_not_retryable_and_the_message_hides_the_query() {
    mock.enqueue(new MockResponse.Builder().code(404).build());
    TaskFailureException e = failure(loopback(b -> b), mockUrl("/video.mp4?X-Amz-Signature=s3cr3t&X-Amz-Credential=AKIA"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': HTTP 404 from " + mockUrl("/video.mp4"));
    assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(e.retryable()).isFalse();
    assertThat(mock.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a_500_is_retried_with_backoff_then_fails_as_retryable() {
    for (int i = 0; i < 3; i++) {
      mock.enqueue(new MockResponse.Builder().code(500).build());
    }
    TaskFailureException e = failure(loopback(b -> b.maxAttempts(3)), mockUrl("/video.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': HTTP 500 from " + mockUrl("/video.mp4") + " (after 3 attempts)");
    assertThat(e.retryable()).isTrue();
    assertThat(mock.getRequestCount()).isEqualTo(3);
  }

  @Test
  void a_503_then_a_200_downloads() throws Exception {
    mock.enqueue(new MockResponse.Builder().code(503).build());
    mock.enqueue(new MockResponse.Builder().code(502).build());
    mock.enqueue(new MockResponse.Builder().body("hello").build());
    assertThat(Files.readString(fetch(loopback(b -> b), mockUrl("/v.mp4")))).isEqualTo("hello");
    assertThat(mock.getRequestCount()).isEqualTo(3);
  }

  @Test
  void a_429_waits_as_long_as_its_retry_after_asks() throws Exception {
    mock.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
    mock.enqueue(new MockResponse.Builder().body("after the wait").build());
    long started = System.nanoTime();
    assertThat(Files.readString(fetch(loopback(b -> b), mockUrl("/v.mp4")))).isEqualTo("after the wait");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void a_429_that_asks_for_a_long_wait_fails_at_once_as_retryable() {
    mock.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());
    TaskFailureException e = failure(loopback(b -> b), mockUrl("/v.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': HTTP 429 from " + mockUrl("/v.mp4")
        + " asks to retry after 60 min, longer than the 30 s a fetch waits");
    assertThat(e.retryable()).isTrue();
    assertThat(mock.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a_refused_connection_is_retried_then_fails_as_retryable() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort(); // nothing listens there once closed
    }
    String url = "http://127.0.0.1:" + port + "/v.mp4";
    TaskFailureException e = failure(loopback(b -> b.maxAttempts(2)), url);
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': cannot connect to " + url + ": Connection refused (after 2 attempts)");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void a_server_that_does_not_answer_fails_on_the_read_timeout() {
    for (int i = 0; i < 2; i++) {
      mock.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body("late").build());
    }
    TaskFailureException e = failure(loopback(b -> b.readTimeout(Duration.ofMillis(200)).maxAttempts(2)), mockUrl("/v.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': no response from " + mockUrl("/v.mp4")
        + " within the 200 ms read timeout (after 2 attempts)");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void a_body_that_stops_flowing_fails_on_the_read_timeout() {
    ranges.stallBodies().file("/v.mp4", random(10_000));
    TaskFailureException e = failure(loopback(b -> b.readTimeout(Duration.ofMillis(200)).maxAttempts(1)), ranges.url("/v.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': no data from " + ranges.url("/v.mp4")
        + " for 200 ms (read timeout) after 1 B");
  }

  @Test
  void a_slow_drip_is_cut_by_the_whole_download_timeout() {
    mock.enqueue(new MockResponse.Builder().body(new Buffer().write(random(10_000)))
        .throttleBody(10, 100, TimeUnit.MILLISECONDS).build());
    TaskFailureException e = failure(loopback(b -> b.downloadTimeout(Duration.ofSeconds(1))), mockUrl("/drip.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': the download from " + mockUrl("/drip.mp4")
        + " took longer than the 1 s limit");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void an_input_larger_than_the_limit_is_refused_by_its_content_length() {
    ranges.file("/big.mp4", random(5000));
    TaskFailureException e = failure(loopback(b -> b.maxSize(1000)), ranges.url("/big.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': " + ranges.url("/big.mp4") + " is 4.9 KiB, larger than the 1000 B limit");
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void an_input_without_a_length_is_cut_when_it_grows_past_the_limit() {
    mock.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(random(50_000)), 1000).build());
    TaskFailureException e = failure(loopback(b -> b.maxSize(10_000)), mockUrl("/chunked.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': the download from " + mockUrl("/chunked.mp4")
        + " went past the 9.8 KiB limit");
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void redirects_are_followed_up_to_five() throws Exception {
    for (int i = 1; i <= 5; i++) {
      mock.enqueue(new MockResponse.Builder().code(i % 2 == 0 ? 301 : 307).addHeader("Location", "/hop" + i).build());
    }
    mock.enqueue(new MockResponse.Builder().body("arrived").build());
    assertThat(Files.readString(fetch(loopback(b -> b), mockUrl("/start")))).isEqualTo("arrived");
    assertThat(mock.getRequestCount()).isEqualTo(6);
  }

  @Test
  void a_sixth_redirect_fails() {
    for (int i = 1; i <= 6; i++) {
      mock.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/hop" + i).build());
    }
    TaskFailureException e = failure(loopback(b -> b), mockUrl("/start?sig=x"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': more than 5 redirects from " + mockUrl("/start"));
    assertThat(e.retryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x", "http://[::1]/x",
      "http://0x7f000001:PORT/x", "http://localhost:PORT/x", "http://[fd00::1]/x", "http://2130706433:PORT/x"})
  void a_redirect_to_a_refused_address_is_not_followed(String location) {
    String to = location.replace("PORT", Integer.toString(mock.getPort()));
    mock.enqueue(new MockResponse.Builder().code(302).addHeader("Location", to).build());
    // Loopback is allowed by name only here, so the numeric forms of it stay refused.
    fetcher = HttpInputFetcher.builder().allow("media.test")
        .dns(host -> host.equals("media.test") ? List.of(InetAddress.getByName("127.0.0.1")) : List.of())
        .build();
    TaskFailureException e = failure(fetcher, "http://media.test:" + mock.getPort() + "/start");
    assertThat(e.getMessage()).startsWith("input 'in.mp4': redirect from http://media.test:" + mock.getPort() + "/start to ")
        .containsAnyOf("which inputs may not use", "names the local host");
    assertThat(e.retryable()).isFalse();
    assertThat(mock.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a_redirect_to_another_scheme_is_not_followed() {
    mock.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "file:///etc/passwd").build());
    TaskFailureException e = failure(loopback(b -> b), mockUrl("/start"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': redirect from " + mockUrl("/start") + " to a URL that is not http(s)");
  }

  @Test
  void loopback_is_refused_by_default_at_submission_and_at_fetch() {
    ranges.file("/v.mp4", random(10));
    fetcher = HttpInputFetcher.create();
    InvalidTaskException invalid = catchThrowableOfType(InvalidTaskException.class,
        () -> fetcher.validate("in.mp4", URI.create(ranges.url("/v.mp4"))));
    assertThat(invalid.field()).isEqualTo("input_files");
    assertThat(invalid.getMessage()).isEqualTo("input_files: 'in.mp4': " + ranges.url("/v.mp4")
        + " points at 127.0.0.1, a loopback address, which inputs may not use");
    TaskFailureException e = failure(fetcher, ranges.url("/v.mp4"));
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': " + ranges.url("/v.mp4")
        + " points at 127.0.0.1, a loopback address, which inputs may not use");
    assertThat(e.retryable()).isFalse();
    assertThat(ranges.seen()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "2130706433", "0x7f000001", "017700000001", "127.1", "127.0.1", "0x7f.1",
      "0177.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]", "localhost", "127.0.0.1."})
  void every_spelling_of_loopback_is_refused_when_the_allow_list_does_not_name_it(String host) {
    ranges.file("/v.mp4", random(10));
    fetcher = HttpInputFetcher.builder().allowHosts("cdn.example.com, 10.20.0.0/16").build();
    String url = "http://" + host + ":" + ranges.port() + "/v.mp4";
    assertThat(catchThrowableOfType(InvalidTaskException.class, () -> fetcher.validate("in.mp4", URI.create(url))))
        .hasMessageContainingAll("'in.mp4'", ", which inputs may not use")
        .satisfiesAnyOf(x -> assertThat(x).hasMessageContaining("a loopback address"),
            x -> assertThat(x).hasMessageContaining("names the local host"));
    TaskFailureException e = failure(fetcher, url);
    assertThat(e.getMessage()).containsAnyOf("a loopback address", "names the local host");
    assertThat(ranges.seen()).as("nothing reached the server").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "2130706433", "0x7f000001", "017700000001", "127.1", "127.0.1", "0x7f.1",
      "0177.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "127.0.0.1."})
  void every_spelling_of_loopback_reaches_the_server_when_the_allow_list_admits_it(String host) throws Exception {
    byte[] content = random(1000);
    ranges.file("/v.mp4", content);
    fetcher = HttpInputFetcher.builder().allow("127.0.0.0/8").build();
    String url = "http://" + host + ":" + ranges.port() + "/v.mp4";
    fetcher.validate("in.mp4", URI.create(url));
    assertThat(Files.readAllBytes(fetch(fetcher, url))).isEqualTo(content);
  }

  @Test
  void ipv6_loopback_is_refused_unless_listed_and_then_reached() throws Exception {
    InetAddress v6;
    com.sun.net.httpserver.HttpServer server;
    try {
      v6 = InetAddress.getByName("::1");
      server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(v6, 0), 8);
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e);
      return;
    }
    server.createContext("/", ex -> {
      byte[] body = "over ipv6".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String url = "http://[::1]:" + server.getAddress().getPort() + "/v.mp4";
      fetcher = HttpInputFetcher.builder().allow("127.0.0.1").build();
      assertThat(failure(fetcher, url).getMessage()).contains("points at ::1, a loopback address");
      fetcher.close();
      fetcher = HttpInputFetcher.builder().allow("::1").build();
      assertThat(Files.readString(fetch(fetcher, url))).isEqualTo("over ipv6");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_name_that_resolves_to_loopback_is_refused_at_fetch_unless_listed() throws Exception {
    byte[] content = random(1000);
    ranges.file("/v.mp4", content);
    okhttp3.Dns fake = host -> List.of(InetAddress.getByName("127.0.0.1"));
    String url = "http://media.test:" + ranges.port() + "/v.mp4?sig=x";
    fetcher = HttpInputFetcher.builder().dns(fake).build();
    fetcher.validate("in.mp4", URI.create(url)); // a name: resolved only when fetched
    TaskFailureException e = failure(fetcher, url);
    assertThat(e.getMessage()).isEqualTo("input 'in.mp4': http://media.test:" + ranges.port()
        + "/v.mp4 resolves to 127.0.0.1, a loopback address, which inputs may not use");
    assertThat(ranges.seen()).isEmpty();
    fetcher.close();

    fetcher = HttpInputFetcher.builder().dns(fake).allow("media.test").build();
    assertThat(Files.readAllBytes(fetch(fetcher, url))).isEqualTo(content);
  }

  @Test
  void a_broken_single_stream_resumes_where_it_broke() throws Exception {
    byte[] content = random(3 << 20);
    ranges.file("/v.mp4", content).drop("/v.mp4", (1 << 20) + 7, 1);
    Path target = fetch(loopback(b -> b.parallelism(1)), ranges.url("/v.mp4"));
    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(content));
    assertThat(ranges.seen()).extracting(RangeServer.Seen::range).containsExactly("bytes=0-", "bytes=1048583-");
    assertThat(ranges.seen().get(1).ifRange()).as("the resume is conditional on the same version").startsWith("\"v" + content.length);
  }

  @Test
  void an_input_that_changes_while_it_downloads_is_fetched_again_whole_not_stitched() throws Exception {
    byte[] before = random(3 << 20);
    byte[] after = random((3 << 20) + 1);
    ranges.file("/v.mp4", before).drop("/v.mp4", 1 << 20, 1).changeOnDrop("/v.mp4", after);
    Path target = fetch(loopback(b -> b.parallelism(1)), ranges.url("/v.mp4"));
    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(after));
  }

  @Test
  void a_big_input_downloads_in_parallel_ranges_and_a_dropped_part_resumes() throws Exception {
    int part = 256 << 10;
    byte[] content = random(16 * part + 1234);
    ranges.file("/big.mp4", content).drop("/big.mp4", 100_000, 3);
    Path target = fetch(loopback(b -> b.partSize(part).parallelism(4).rangedAbove(part)), ranges.url("/big.mp4"));
    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(content));
    assertThat(ranges.maxInFlight()).as("parts download at once").isGreaterThan(1);
    List<RangeServer.Seen> parts = ranges.seen().subList(1, ranges.seen().size());
    assertThat(parts).extracting(RangeServer.Seen::range)
        .as("the dropped parts resume past their start, not from it")
        .anySatisfy(r -> assertThat(Long.parseLong(r.substring(6, r.indexOf('-'))) % part).isNotZero());
    assertThat(parts).hasSizeLessThanOrEqualTo(17 + 3);
  }

  @Test
  void stopping_the_task_cancels_the_download_at_once_and_leaves_no_file() {
    ranges.stallBodies().file("/v.mp4", random(100_000));
    HttpInputFetcher f = loopback(b -> b);
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> fetch(f, ranges.url("/v.mp4")));
    await().atMost(Duration.ofSeconds(5)).until(() -> ranges.inFlight() == 1);
    context.stop(StopReason.CANCELLED);
    Throwable thrown = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> running.get(2, TimeUnit.SECONDS)).getCause();
    assertThat(thrown).isInstanceOf(TaskFailureException.class).hasMessage("input 'in.mp4': download stopped (cancelled)");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void stopping_a_parallel_download_cancels_every_part() {
    int part = 64 << 10;
    ranges.stallBodies().file("/big.mp4", random(8 * part));
    HttpInputFetcher f = loopback(b -> b.partSize(part).parallelism(4).rangedAbove(part));
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> fetch(f, ranges.url("/big.mp4")));
    await().atMost(Duration.ofSeconds(5)).until(() -> ranges.inFlight() >= 4);
    context.stop(StopReason.SHUTDOWN);
    Throwable thrown = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
        () -> running.get(2, TimeUnit.SECONDS)).getCause();
    assertThat(thrown).isInstanceOf(TaskFailureException.class).hasMessage("input 'in.mp4': download stopped (shutdown)");
    assertThat(dir).isEmptyDirectory();
  }
}
