package io.ffmpegqueue.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {
  private static final S3Uri WHERE = new S3Uri("media", "ffmpeg-outputs/t/out.mp4");

  private static S3Exception s3(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("said " + code).build()).build();
  }

  private static TaskFailureException storage(Throwable t) {
    return S3Errors.storage("output 'out.mp4'", WHERE, null, new CompletionException(t));
  }

  @Test
  void configuration_errors_say_what_to_check_and_are_retried_under_the_policy() {
    assertThat(storage(s3(403, "InvalidAccessKeyId")).getMessage()).contains("AWS_ACCESS_KEY_ID");
    assertThat(storage(s3(403, "SignatureDoesNotMatch")).getMessage()).contains("AWS_SECRET_ACCESS_KEY");
    assertThat(storage(s3(403, "AccessDenied")).getMessage()).contains("access to bucket 'media' is denied");
    assertThat(storage(s3(404, "NoSuchBucket")).getMessage()).contains("bucket 'media' does not exist");
    for (String code : new String[] {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"}) {
      assertThat(storage(s3(403, code)).retryable()).as(code).isTrue();
    }
    assertThat(storage(s3(404, "NoSuchBucket")).retryable()).isTrue();
    assertThat(storage(s3(400, "InvalidArgument")).retryable()).isFalse();
  }

  @Test
  void outages_throttles_and_expired_tokens_are_retried() {
    assertThat(storage(s3(503, "SlowDown")).retryable()).isTrue();
    assertThat(storage(s3(500, "InternalError")).retryable()).isTrue();
    assertThat(storage(s3(400, "ExpiredToken")).retryable()).isTrue();
    assertThat(storage(s3(403, "RequestTimeTooSkewed")).retryable()).isTrue();
    assertThat(storage(s3(404, "NoSuchUpload")).retryable()).isTrue();
    TaskFailureException net = storage(SdkClientException.create("Unable to execute HTTP request",
        new ConnectException("Connection refused")));
    assertThat(net.retryable()).isTrue();
    assertThat(net.getMessage()).isEqualTo("output 'out.mp4' (s3://media/ffmpeg-outputs/t/out.mp4): cannot reach S3"
        + " at the S3 endpoint: connection refused");
  }

  @Test
  void the_kind_follows_the_step() {
    assertThat(storage(s3(500, "InternalError")).kind()).isEqualTo(ErrorKind.STORAGE);
    TaskFailureException in = S3Errors.input("input 'in.mp4'", WHERE, null, s3(404, "NoSuchKey"));
    assertThat(in.kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(in.retryable()).isFalse();
    assertThat(in.getMessage()).contains("does not exist");
  }

  @Test
  void an_sdk_acquire_timeout_is_told_apart_by_one_plain_connection_attempt() throws Exception {
    assertThat(S3Errors.unreachable(SdkClientException.create("Unable to execute HTTP request: Acquire operation took"
        + " longer than the configured maximum time. This indicates ..."))).isEqualTo("no connection could be opened in time");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
      assertThat(S3Errors.dial("http://127.0.0.1:" + closed, "slow")).as("it connects: the SDK's answer stands")
          .isEqualTo("slow");
    }
    assertThat(S3Errors.dial("http://127.0.0.1:" + closed, "slow")).isEqualTo("connection refused");
  }
}
