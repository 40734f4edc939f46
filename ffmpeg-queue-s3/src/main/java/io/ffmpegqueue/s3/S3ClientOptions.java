package io.ffmpegqueue.s3;

import io.ffmpegqueue.s3.internal.ClientSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * How {@link S3Storage} and {@link S3InputFetcher} reach S3: either the host's own {@link S3AsyncClient}
 * ({@link #client}), or a client they build from a region, an endpoint and credentials, and close on
 * {@code close()}.
 *
 * <p>A built client suits AWS and S3-compatible stores alike: with an {@link #endpoint} it uses path-style
 * addressing ({@code http://host/bucket/key}) unless told otherwise, and it sends and checks checksums only
 * where S3 requires them, which is what MinIO, Ceph, R2 and S3Proxy accept. A host that passes its own
 * client sets those itself ({@code requestChecksumCalculation(WHEN_REQUIRED)},
 * {@code responseChecksumValidation(WHEN_REQUIRED)}, {@code forcePathStyle(true)}).
 *
 * @param <B> the concrete builder
 */
public abstract class S3ClientOptions<B extends S3ClientOptions<B>> {
  private S3AsyncClient client;
  private Region region;
  private URI endpoint;
  private AwsCredentialsProvider credentials;
  private Boolean pathStyle;
  private int maxConnections = 64;
  private Duration apiCallAttemptTimeout;

  S3ClientOptions() {}

  abstract B self();

  /**
   * Uses the host's client, which the host closes; the region, endpoint, credentials and connection
   * options here are then ignored.
   */
  public B client(S3AsyncClient client) {
    this.client = Objects.requireNonNull(client, "client");
    return self();
  }

  /** The region, e.g. {@code "us-east-1"}. Default: the SDK's region chain, or us-east-1 with an endpoint. */
  public B region(String region) {
    Objects.requireNonNull(region, "region");
    if (!region.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("region: '" + region + "' is not a region name like us-east-1");
    }
    return region(Region.of(region.toLowerCase(Locale.ROOT)));
  }

  /** The region. */
  public B region(Region region) {
    this.region = Objects.requireNonNull(region, "region");
    return self();
  }

  /**
   * The endpoint of an S3-compatible store, e.g. {@code http://127.0.0.1:9000} for MinIO. Turns path-style
   * addressing on unless {@link #pathStyleAccess} says otherwise.
   */
  public B endpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    this.endpoint = checkEndpoint("endpoint", endpoint);
    return self();
  }

  /** The credentials. Default: the SDK's default chain (environment, profile, instance role, ...). */
  public B credentials(AwsCredentialsProvider credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    return self();
  }

  /** Static credentials: an access key id and its secret. */
  public B credentials(String accessKeyId, String secretAccessKey) {
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new IllegalArgumentException("the access key id must not be empty");
    }
    if (secretAccessKey == null || secretAccessKey.isEmpty()) {
      throw new IllegalArgumentException("the secret access key must not be empty");
    }
    return credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
  }

  /** Path-style ({@code host/bucket/key}) instead of virtual-hosted addressing. Default: on with an endpoint. */
  public B pathStyleAccess(boolean pathStyle) {
    this.pathStyle = pathStyle;
    return self();
  }

  /** The most HTTP connections a built client opens. Default 64. */
  public B maxConnections(int maxConnections) {
    if (maxConnections < 1 || maxConnections > 10_000) {
      throw new IllegalArgumentException("maxConnections must be between 1 and 10000, got " + maxConnections);
    }
    this.maxConnections = maxConnections;
    return self();
  }

  /**
   * The longest one HTTP attempt through the SDK may take (one upload part; an input's HEAD) before the SDK
   * retries it. Default: none.
   */
  public B apiCallAttemptTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("apiCallAttemptTimeout must be positive");
    }
    this.apiCallAttemptTimeout = timeout;
    return self();
  }

  S3AsyncClient hostClient() {
    return client;
  }

  Boolean pathStyle() {
    return pathStyle;
  }

  ClientSpec spec() {
    return new ClientSpec(region, endpoint, credentials, pathStyle, maxConnections, apiCallAttemptTimeout);
  }

  static URI checkEndpoint(String what, URI endpoint) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (endpoint.getRawUserInfo() != null) {
      throw new IllegalArgumentException(what + ": '" + display(endpoint.toString())
          + "' must have no user info (credentials go elsewhere)");
    }
    if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
      throw new IllegalArgumentException(what + ": '" + display(endpoint.toString())
          + "' is not an http:// or https:// URL with a host");
    }
    if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(what + ": '" + display(endpoint.toString())
          + "' must have no query or fragment");
    }
    return endpoint;
  }

  /** An endpoint as shown in errors: whatever stands before an '@' may be a secret and is masked. */
  static String display(String endpoint) {
    int at = endpoint.lastIndexOf('@');
    if (at < 0) {
      return endpoint;
    }
    int start = endpoint.indexOf("://");
    return (start >= 0 && start < at ? endpoint.substring(0, start + 3) : "") + "***" + endpoint.substring(at);
  }
}
