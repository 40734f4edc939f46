package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request gets a 4xx with a JSON {@code {"error", "detail"}} that names the field at fault, and
 * nothing is enqueued for it. Real HTTP on loopback; no worker runs (NUM_WORKERS=0).
 */
class BadRequestsIT {
  @TempDir
  static Path dir;
  static FfmpegService service;
  static Http http;

  @BeforeAll
  static void start() {
    service = TestService.start(dir, Map.of("NUM_WORKERS", "0"), b -> { });
    http = new Http(service.port(), null);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static final String OK_INPUTS = "\"input_files\": {\"input.mp4\": \"file:///tmp/input.mp4\"}";

  static Stream<Arguments> badRegistrations() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"command\": ", 400, "invalid_json", null),
        Arguments.of("an empty body", "", 400, "invalid_json", null),
        Arguments.of("a JSON array", "[1, 2]", 400, "invalid_json", null),
        Arguments.of("trailing garbage", "{\"command\": \"-i a.mp4 b.mp4\", \"output_filename\": \"b.mp4\"} x", 400, "invalid_json", null),
        Arguments.of("a duplicate key", "{\"command\": \"a\", \"command\": \"b\", \"output_filename\": \"b.mp4\"}", 400, "invalid_json", null),
        Arguments.of("a missing command", "{\"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a null command", "{\"command\": null, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("an empty command", "{\"command\": \"\", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a blank command", "{\"command\": \"   \", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a command that is a number", "{\"command\": 5, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a command that reads another file", "{\"command\": \"-i /etc/passwd out.mp4\", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a command that does not write its output", "{\"command\": \"-f lavfi -i testsrc other.mp4\", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("an unterminated quote in the command", "{\"command\": \"-i 'input.mp4 out.mp4\", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "command"),
        Arguments.of("a missing output_filename", "{\"command\": \"-f lavfi -i testsrc out.mp4\"}", 400, "invalid_request", "output_filename"),
        Arguments.of("an output_filename that is a list", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": [\"out.mp4\"]}", 400, "invalid_request", "output_filename"),
        Arguments.of("an output name with a path", "{\"command\": \"-f lavfi -i testsrc ../out.mp4\", \"output_filename\": \"../out.mp4\"}", 400, "invalid_request", "output_files"),
        Arguments.of("output_files that is a string", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_files\": \"out.mp4\"}", 400, "invalid_request", "output_files"),
        Arguments.of("input_files that is a list", "{\"command\": \"-i input.mp4 out.mp4\", \"input_files\": [\"input.mp4\"], \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("an input URL that is a number", "{\"command\": \"-i input.mp4 out.mp4\", \"input_files\": {\"input.mp4\": 5}, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("an unsupported URL scheme", "{\"command\": \"-i input.mp4 out.mp4\", \"input_files\": {\"input.mp4\": \"ftp://example.com/v.mp4\"}, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("a file URL with no allowed folder", "{\"command\": \"-i input.mp4 out.mp4\", " + OK_INPUTS + ", \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("an input URL without a scheme", "{\"command\": \"-i input.mp4 out.mp4\", \"input_files\": {\"input.mp4\": \"example.com/v.mp4\"}, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("a malformed input URL", "{\"command\": \"-i input.mp4 out.mp4\", \"input_files\": {\"input.mp4\": \"http://exa mple.com/v.mp4\"}, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("an input name with a path", "{\"command\": \"-i in/put.mp4 out.mp4\", \"input_files\": {\"in/put.mp4\": \"ftp://x/y\"}, \"output_filename\": \"out.mp4\"}", 400, "invalid_request", "input_files"),
        Arguments.of("a priority that is text", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"priority\": \"high\"}", 400, "invalid_request", "priority"),
        Arguments.of("a priority that is a fraction", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"priority\": 1.5}", 400, "invalid_request", "priority"),
        Arguments.of("a priority out of range", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"priority\": 99999999999}", 400, "invalid_request", "priority"),
        Arguments.of("a negative timeout", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"timeout_seconds\": -1}", 400, "invalid_request", "timeout_seconds"),
        Arguments.of("a timeout that is text", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"timeout_seconds\": \"1h\"}", 400, "invalid_request", "timeout_seconds"),
        Arguments.of("too many attempts", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"max_attempts\": 1000}", 400, "invalid_request", "max_attempts"),
        Arguments.of("metadata with a number", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\", \"metadata\": {\"n\": 1}}", 400, "invalid_request", "metadata"),
        Arguments.of("an unknown field", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"ouput_filename\": \"out.mp4\"}", 400, "invalid_request", "ouput_filename"),
        Arguments.of("a split with a temporal filter", "{\"command\": \"-i in.mp4 -vf yadif out.mp4\", \"input_files\": {\"in.mp4\": \"https://example.com/v.mp4\"}, \"output_filename\": \"out.mp4\", \"split\": {}}", 400, "invalid_request", "split"),
        Arguments.of("a split with -filter_complex", "{\"command\": \"-i in.mp4 -filter_complex hflip out.mp4\", \"input_files\": {\"in.mp4\": \"https://example.com/v.mp4\"}, \"output_filename\": \"out.mp4\", \"split\": {\"segment_seconds\": 30}}", 400, "invalid_request", "split"),
        Arguments.of("a split segment below 2 s", "{\"command\": \"-i in.mp4 out.mp4\", \"input_files\": {\"in.mp4\": \"https://example.com/v.mp4\"}, \"output_filename\": \"out.mp4\", \"split\": {\"segment_seconds\": 1}}", 400, "invalid_request", "split"));
  }

  @ParameterizedTest(name = "{0} is refused with {2}")
  @MethodSource("badRegistrations")
  void a_bad_registration_is_refused_with_a_json_error_that_names_the_field(
      String what, String body, int status, String error, String field) {
    Http.Response r = http.post("/ffmpeg/register", body);
    assertError(r, status, error);
    if (field != null) {
      assertThat(r.json().path("field").asText()).isEqualTo(field);
      assertThat(r.json().path("detail").asText()).startsWith(field + ": ");
    }
    assertThat(service.queue().counts().values().stream().mapToLong(Long::longValue).sum())
        .as("nothing is enqueued").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedInputs")
  void a_refused_input_says_which_variable_allows_it(String url, String variable) {
    Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"-i video.mp4 out.mp4\", "
        + "\"input_files\": {\"video.mp4\": \"" + url + "\"}, \"output_filename\": \"out.mp4\"}");
    assertError(r, 400, "invalid_request");
    assertThat(r.json().path("field").asText()).isEqualTo("input_files");
    assertThat(r.json().path("detail").asText()).contains(variable);
  }

  static Stream<Arguments> refusedInputs() {
    return Stream.of(
        Arguments.of("http://127.0.0.1:8099/video.mp4", "INPUT_ALLOWED_HOSTS"),
        Arguments.of("http://10.1.2.3/video.mp4", "INPUT_ALLOWED_HOSTS"),
        Arguments.of("http://localhost:8099/video.mp4", "INPUT_ALLOWED_HOSTS"),
        Arguments.of("file:///tmp/video.mp4", "INPUT_ALLOWED_DIRS"));
  }

  @Test
  void a_body_that_is_not_json_by_its_content_type_gets_415() {
    assertError(http.post("/ffmpeg/register", "command=x", "Content-Type", "application/x-www-form-urlencoded"),
        415, "unsupported_media_type");
  }

  @Test
  void an_idempotency_key_header_that_contradicts_the_body_gets_400() {
    Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"-f lavfi -i testsrc out.mp4\", "
        + "\"output_filename\": \"out.mp4\", \"idempotency_key\": \"a\"}", "Idempotency-Key", "b");
    assertError(r, 400, "invalid_request");
    assertThat(r.json().path("field").asText()).isEqualTo("idempotency_key");
  }

  @Test
  void a_declared_body_over_1_mib_gets_413_before_it_is_sent() throws IOException {
    try (Socket s = new Socket("127.0.0.1", service.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      // Only the headers and a few bytes: the answer must come without the rest of the body.
      out.write(("POST /ffmpeg/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (2 << 20) + "\r\n\r\n{\"command\": \"").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAnswer(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(answer).contains("\"error\":\"payload_too_large\"").contains("1048576");
    }
  }

  @Test
  void a_chunked_body_over_1_mib_gets_413() throws Exception {
    try (Socket s = new Socket("127.0.0.1", service.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /ffmpeg/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      // 1 MiB and one chunk more; the server answers once it has read past the limit.
      for (int i = 0; i < 17; i++) {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      String answer = readAnswer(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"payload_too_large\"");
    }
  }

  @Test
  void an_unknown_task_gets_404_with_a_json_reason() {
    assertError(http.get("/ffmpeg/status/3f1c0c1e-0000-0000-0000-000000000000"), 404, "not_found");
    assertError(http.get("/ffmpeg/status/not..an..id"), 404, "not_found");
    assertError(http.delete("/ffmpeg/tasks/3f1c0c1e-0000-0000-0000-000000000000"), 404, "not_found");
    assertError(http.get("/ffmpeg/tasks/3f1c0c1e-0000-0000-0000-000000000000/events"), 404, "not_found");
  }

  @Test
  void an_unknown_path_gets_404_and_a_wrong_method_405_with_allow() {
    assertError(http.get("/ffmpeg/nothing"), 404, "not_found");
    assertError(http.get("/nothing"), 404, "not_found");
    assertThat(http.get("/").header("Location")).as("/ leads to the dashboard").isEqualTo("/dashboard/");
    assertError(http.get("/dashboard/nothing"), 404, "not_found");
    Http.Response r = http.method("PUT", "/ffmpeg/register", "{}");
    assertError(r, 405, "method_not_allowed");
    assertThat(r.header("Allow")).isEqualTo("POST");
    assertThat(http.method("POST", "/ffmpeg/queue/size", "").header("Allow")).isEqualTo("GET");
  }

  @Test
  void a_bad_list_query_gets_400_naming_the_parameter() {
    Http.Response r = http.get("/ffmpeg/tasks?status=done");
    assertError(r, 400, "invalid_request");
    assertThat(r.json().path("field").asText()).isEqualTo("status");
    assertThat(http.get("/ffmpeg/tasks?limit=0").json().path("field").asText()).isEqualTo("limit");
    assertThat(http.get("/ffmpeg/tasks?limit=abc").json().path("field").asText()).isEqualTo("limit");
    assertThat(http.get("/ffmpeg/tasks?offset=-1").json().path("field").asText()).isEqualTo("offset");
    assertThat(http.get("/ffmpeg/tasks?sort=asc").json().path("field").asText()).isEqualTo("sort");
  }

  static void assertError(Http.Response r, int status, String error) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode n = r.json();
    assertThat(n.path("error").asText()).isEqualTo(error);
    assertThat(n.path("detail").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at io.ffmpegqueue");
  }

  /** Reads an HTTP answer with a Content-Length body from a raw socket. */
  static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
