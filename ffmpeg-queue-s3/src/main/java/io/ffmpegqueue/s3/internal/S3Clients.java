package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.support.NamedThreadFactory;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds the SDK clients from a {@link ClientSpec}. */
public final class S3Clients {
  private S3Clients() {}

  /**
   * An async client for {@code spec}. Checksums are computed and validated only where S3 requires them:
   * S3-compatible stores (S3Proxy, MinIO, Ceph, R2, older appliances) refuse or ignore the SDK's newer
   * default of a CRC32 trailer on every upload.
   */
  public static OwnedClient build(ClientSpec spec) {
    SdkEventLoopGroup group = SdkEventLoopGroup.builder().threadFactory(new NamedThreadFactory("ffq-s3-io")).build();
    S3AsyncClientBuilder b = S3AsyncClient.builder()
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(group)
            .maxConcurrency(spec.maxConnections())
            .maxPendingConnectionAcquires(10_000))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(spec.pathStyleAccess()).build());
    Region region = region(spec);
    if (region != null) {
      b.region(region);
    }
    if (spec.endpoint() != null) {
      b.endpointOverride(spec.endpoint());
    }
    if (spec.credentials() != null) {
      b.credentialsProvider(spec.credentials());
    }
    if (spec.apiCallAttemptTimeout() != null) {
      b.overrideConfiguration(ClientOverrideConfiguration.builder()
          .apiCallAttemptTimeout(spec.apiCallAttemptTimeout()).build());
    }
    try {
      return new OwnedClient(b.build(), group);
    } catch (SdkClientException e) {
      group.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalArgumentException("cannot build the S3 client: " + e.getMessage()
          + " (set a region, e.g. AWS_REGION, or an endpoint)", e);
    }
  }

  /** A presigner for {@code spec}. */
  public static S3Presigner presigner(ClientSpec spec) {
    S3Presigner.Builder b = S3Presigner.builder()
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(spec.pathStyleAccess()).build());
    Region region = region(spec);
    if (region != null) {
      b.region(region);
    }
    if (spec.endpoint() != null) {
      b.endpointOverride(spec.endpoint());
    }
    if (spec.credentials() != null) {
      b.credentialsProvider(spec.credentials());
    }
    try {
      return b.build();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException("cannot build the S3 presigner: " + e.getMessage(), e);
    }
  }

  /** A presigner that signs as the host's {@code client} does: same region, endpoint and credentials. */
  public static S3Presigner presignerLike(S3AsyncClient client, Boolean pathStyle) {
    var config = client.serviceClientConfiguration();
    URI endpoint = config.endpointOverride().orElse(null);
    IdentityProvider<? extends AwsCredentialsIdentity> credentials = config.credentialsProvider();
    S3Presigner.Builder b = S3Presigner.builder()
        .region(config.region())
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(pathStyle != null ? pathStyle : endpoint != null).build());
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    if (credentials != null) {
      b.credentialsProvider(credentials);
    }
    return b.build();
  }

  private static Region region(ClientSpec spec) {
    if (spec.region() != null) {
      return spec.region();
    }
    // S3-compatible stores rarely care about the region, but SigV4 needs one: do not make the host
    // configure a region it has no use for.
    return spec.endpoint() != null ? Region.US_EAST_1 : null;
  }
}
