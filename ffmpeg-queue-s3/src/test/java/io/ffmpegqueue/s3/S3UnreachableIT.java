package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An endpoint where nothing listens: one sentence naming it and the cause, the SDK's detail in the log. */
class S3UnreachableIT {
  @TempDir
  Path dir;

  private static URI closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void storing_to_an_endpoint_where_nothing_listens_fails_naming_the_endpoint_and_connection_refused() throws Exception {
    URI endpoint = closedPort();
    Path file = Files.writeString(dir.resolve("out.txt"), "hello");
    try (S3Storage storage = S3Storage.builder().endpoint(endpoint).credentials("AKIDEXAMPLE", "secret-key-example")
        .bucket("outputs").build()) {
      assertThatThrownBy(() -> storage.store(TaskId.random(), "out.txt", file))
          .isInstanceOf(TaskFailureException.class)
          .hasMessageEndingWith("cannot reach S3 at " + endpoint + ": connection refused")
          .hasMessageNotContaining("Acquire operation")
          .hasMessageNotContaining("max connections")
          .satisfies(e -> {
            assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.STORAGE);
            assertThat(((TaskFailureException) e).retryable()).isTrue();
          });
    }
  }

  @Test
  void the_bucket_check_names_the_endpoint_and_the_cause() throws Exception {
    URI endpoint = closedPort();
    try (S3Storage storage = S3Storage.builder().endpoint(endpoint).credentials("AKIDEXAMPLE", "secret-key-example")
        .bucket("outputs").build()) {
      assertThatThrownBy(() -> storage.checkBucket(java.time.Duration.ofSeconds(5)))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageEndingWith("cannot reach S3 at " + endpoint + ": connection refused");
    }
  }
}
