package io.ffmpegqueue.examples.config;

import java.net.URI;

/**
 * Where outputs go when {@code S3_BUCKET} is set.
 *
 * @param bucket {@code S3_BUCKET}
 * @param endpoint {@code S3_ENDPOINT}, or {@code null} for AWS
 * @param prefix {@code S3_PREFIX}, without leading or trailing slashes
 * @param region {@code AWS_REGION}
 * @param accessKeyId {@code AWS_ACCESS_KEY_ID}, or {@code null} for the SDK's default credentials chain
 * @param secretAccessKey {@code AWS_SECRET_ACCESS_KEY}, or {@code null}; never printed
 */
public record S3Settings(
    String bucket, URI endpoint, String prefix, String region, String accessKeyId, String secretAccessKey) {

  @Override
  public String toString() {
    return "S3Settings[bucket=" + bucket + ", endpoint=" + endpoint + ", prefix=" + prefix + ", region=" + region
        + ", accessKeyId=" + accessKeyId + ", secretAccessKey=" + (secretAccessKey == null ? null : "***") + "]";
  }
}
