package io.ffmpegqueue.s3;

import io.ffmpegqueue.s3.internal.Buckets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * S3 configured from environment variables, for services that take their settings from the
 * environment:
 *
 * <table>
 * <caption>Variables</caption>
 * <tr><th>Variable</th><th>Meaning</th><th>Default</th></tr>
 * <tr><td>{@code S3_BUCKET}</td><td>the output bucket; without it there is no S3 configuration</td><td>none</td></tr>
 * <tr><td>{@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}</td><td>static credentials, both or
 * neither ({@code AWS_SESSION_TOKEN} too for temporary ones)</td><td>the SDK's default chain</td></tr>
 * <tr><td>{@code AWS_REGION}</td><td>the region</td><td>the SDK's chain; us-east-1 with an endpoint</td></tr>
 * <tr><td>{@code S3_ENDPOINT}</td><td>an S3-compatible store's URL (path-style addressing)</td><td>AWS</td></tr>
 * <tr><td>{@code S3_PREFIX}</td><td>the key prefix of outputs</td><td>{@code ffmpeg-outputs}</td></tr>
 * </table>
 *
 * <pre>{@code
 * Storage storage = S3Settings.fromEnv(System.getenv())
 *     .<Storage>map(s -> s.storageBuilder().build())
 *     .orElseGet(() -> LocalStorage.at(Path.of("outputs")));
 * }</pre>
 *
 * <p>Empty variables count as unset. The secret never appears in {@link #toString()} or in an error.
 */
public final class S3Settings {
  /** The variable that turns S3 on. */
  public static final String BUCKET = "S3_BUCKET";
  /** The access key id variable. */
  public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  /** The secret access key variable. */
  public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  /** The session token variable, for temporary credentials. */
  public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
  /** The region variable. */
  public static final String REGION = "AWS_REGION";
  /** The endpoint variable, for S3-compatible stores. */
  public static final String ENDPOINT = "S3_ENDPOINT";
  /** The key prefix variable. */
  public static final String PREFIX = "S3_PREFIX";

  private final String bucket;
  private final String region;
  private final URI endpoint;
  private final String prefix;
  private final AwsCredentials credentials;

  private S3Settings(String bucket, String region, URI endpoint, String prefix, AwsCredentials credentials) {
    this.bucket = bucket;
    this.region = region;
    this.endpoint = endpoint;
    this.prefix = prefix;
    this.credentials = credentials;
  }

  /**
   * Reads the variables from {@code env} (e.g. {@code System.getenv()}).
   *
   * @return the settings, or empty when {@code S3_BUCKET} is unset or empty
   * @throws IllegalArgumentException naming the variable when a value is invalid
   */
  public static Optional<S3Settings> fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String bucket = value(env, BUCKET);
    if (bucket == null) {
      return Optional.empty();
    }
    Buckets.check(BUCKET, bucket);

    String region = value(env, REGION);
    if (region != null && !region.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException(REGION + ": '" + region + "' is not a region name like us-east-1");
    }

    URI endpoint = null;
    String e = value(env, ENDPOINT);
    if (e != null) {
      try {
        endpoint = S3ClientOptions.checkEndpoint(ENDPOINT, new URI(e));
      } catch (URISyntaxException x) {
        throw new IllegalArgumentException(ENDPOINT + ": '" + S3ClientOptions.display(e) + "' is not a URL: "
            + x.getReason());
      }
    }

    String prefixValue = env.get(PREFIX);
    String prefix = prefixValue == null ? S3Storage.DEFAULT_PREFIX : Buckets.checkPrefix(PREFIX, prefixValue);

    String keyId = value(env, ACCESS_KEY_ID);
    String secret = value(env, SECRET_ACCESS_KEY);
    String token = value(env, SESSION_TOKEN);
    AwsCredentials credentials = null;
    if (keyId != null || secret != null) {
      if (keyId == null) {
        throw new IllegalArgumentException(ACCESS_KEY_ID + " must be set when " + SECRET_ACCESS_KEY + " is");
      }
      if (secret == null) {
        throw new IllegalArgumentException(SECRET_ACCESS_KEY + " must be set when " + ACCESS_KEY_ID + " is");
      }
      if (!keyId.matches("[\\x21-\\x7e]{1,128}")) {
        throw new IllegalArgumentException(ACCESS_KEY_ID + " must be 1 to 128 printable characters without spaces");
      }
      credentials = token == null ? AwsBasicCredentials.create(keyId, secret)
          : AwsSessionCredentials.create(keyId, secret, token);
    } else if (token != null) {
      throw new IllegalArgumentException(SESSION_TOKEN + " is set without " + ACCESS_KEY_ID + " and "
          + SECRET_ACCESS_KEY);
    }
    return Optional.of(new S3Settings(bucket, region, endpoint, prefix, credentials));
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The output bucket. */
  public String bucket() {
    return bucket;
  }

  /** The region, or {@code null} for the SDK's chain. */
  public String region() {
    return region;
  }

  /** The endpoint of an S3-compatible store, or {@code null} for AWS. */
  public URI endpoint() {
    return endpoint;
  }

  /** The key prefix ({@code ""} for none). */
  public String prefix() {
    return prefix;
  }

  /** Whether static credentials were given; otherwise the SDK's default chain is used. */
  public boolean hasStaticCredentials() {
    return credentials != null;
  }

  /** A storage builder set up from these settings; add options (presigned URLs, part size) and build it. */
  public S3Storage.Builder storageBuilder() {
    return apply(S3Storage.builder().bucket(bucket).prefix(prefix));
  }

  /** A fetcher builder for {@code s3://} inputs from the same bucket, with the same connection settings. */
  public S3InputFetcher.Builder inputFetcherBuilder() {
    return apply(S3InputFetcher.builder().allowBuckets(bucket));
  }

  private <B extends S3ClientOptions<B>> B apply(B b) {
    if (region != null) {
      b.region(region);
    }
    if (endpoint != null) {
      b.endpoint(endpoint);
    }
    if (credentials != null) {
      b.credentials(StaticCredentialsProvider.create(credentials));
    }
    return b;
  }

  @Override
  public String toString() {
    return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", region=" + (region == null ? "(default)" : region)
        + ", endpoint=" + (endpoint == null ? "(AWS)" : endpoint)
        + ", credentials=" + (credentials == null ? "(default chain)" : "static") + "]";
  }
}
