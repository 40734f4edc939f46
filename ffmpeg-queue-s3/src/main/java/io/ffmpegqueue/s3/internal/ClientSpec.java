package io.ffmpegqueue.s3.internal;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * How to build a client when the host gives none.
 *
 * @param region the region, or {@code null} for the SDK's default chain (or us-east-1 with an endpoint)
 * @param endpoint the endpoint of an S3-compatible store, or {@code null} for AWS
 * @param credentials the credentials, or {@code null} for the SDK's default chain
 * @param pathStyle path-style addressing, or {@code null} for "on when an endpoint is given"
 * @param maxConnections the most connections the client opens
 * @param apiCallAttemptTimeout the longest one HTTP attempt may take, or {@code null} for none
 */
public record ClientSpec(
    Region region,
    URI endpoint,
    AwsCredentialsProvider credentials,
    Boolean pathStyle,
    int maxConnections,
    Duration apiCallAttemptTimeout) {

  /** Whether requests address the bucket in the path rather than in the host name. */
  public boolean pathStyleAccess() {
    return pathStyle != null ? pathStyle : endpoint != null;
  }

  @Override
  public String toString() {
    // The provider's own toString may show the access key id; name only its type.
    return "ClientSpec[region=" + region + ", endpoint=" + endpoint + ", credentials="
        + (credentials == null ? "default chain" : credentials.getClass().getSimpleName())
        + ", pathStyle=" + pathStyleAccess() + ", maxConnections=" + maxConnections + "]";
  }
}
