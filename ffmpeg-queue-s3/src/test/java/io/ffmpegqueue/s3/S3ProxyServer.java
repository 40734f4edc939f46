package io.ffmpegqueue.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy in this JVM on a random loopback port, serving buckets from a folder, with AWS SigV4 signature
 * checking on. It can be stopped and started again on the same port and folder, as a server that goes
 * away and comes back.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "ffq-test-access-key";
  static final String SECRET_KEY = "ffq-test-secret-9f8e7d6c5b4a";

  private final Path dir;
  private final AuthenticationType authentication;
  private int port;
  private S3Proxy proxy;

  private S3ProxyServer(Path dir, AuthenticationType authentication) {
    this.dir = dir;
    this.authentication = authentication;
  }

  /** A started server over {@code dir}. */
  static S3ProxyServer start(Path dir) throws Exception {
    S3ProxyServer s = new S3ProxyServer(dir, AuthenticationType.AWS_V4);
    s.startOn(0);
    return s;
  }

  /**
   * A started server over {@code dir} that also answers unsigned requests, as a public bucket behind a CDN
   * does: for readers (ffmpeg opening a stored playlist) that cannot sign.
   */
  static S3ProxyServer startPublic(Path dir) throws Exception {
    S3ProxyServer s = new S3ProxyServer(dir, AuthenticationType.NONE);
    s.startOn(0);
    return s;
  }

  private void startOn(int p) throws Exception {
    S3Proxy s = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dir.toString()))
        .endpoint(URI.create("http://127.0.0.1:" + p))
        .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY)
        .stopTimeout(0)
        .build();
    s.start();
    this.proxy = s;
    this.port = s.getPort();
  }

  /** Starts it again on the same port and folder after {@link #stop()}. */
  void restart() throws Exception {
    if (proxy != null) {
      throw new IllegalStateException("still running");
    }
    startOn(port);
  }

  /** Stops it; connections in progress are cut. */
  void stop() {
    if (proxy != null) {
      try {
        proxy.stop();
      } catch (Exception e) {
        throw new IllegalStateException("S3Proxy did not stop", e);
      }
      proxy = null;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A plain synchronous client with the right credentials, for test set-up and inspection. */
  S3Client adminClient() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /**
   * An async client set up as the docs tell a host to set up its own for an S3-compatible store, with
   * {@code log} watching its requests.
   */
  S3AsyncClient hostClient(RequestLog log) {
    return hostClient(log, endpoint());
  }

  /** The same, sending its requests to {@code endpoint} (a relay in front of this server). */
  S3AsyncClient hostClient(RequestLog log, URI endpoint) {
    return S3AsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .overrideConfiguration(o -> o.addExecutionInterceptor(log))
        .build();
  }

  /** A storage builder pointed at this server with the right credentials. */
  S3Storage.Builder storage(String bucket) {
    return S3Storage.builder().bucket(bucket).endpoint(endpoint()).credentials(ACCESS_KEY, SECRET_KEY);
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * One server for a test class, over a temporary folder, with an admin client and the given buckets made:
   * {@code @RegisterExtension static final S3ProxyServer.PerClass S3 = new S3ProxyServer.PerClass("media");}.
   * Started before the class's own {@code @BeforeAll} methods, so they can fill the buckets.
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final List<String> buckets;
    private Path dir;
    private S3ProxyServer server;
    private S3Client admin;

    PerClass(String... buckets) {
      this.buckets = List.of(buckets);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      dir = Files.createTempDirectory("ffq-s3proxy-");
      server = start(dir);
      admin = server.adminClient();
      for (String bucket : buckets) {
        admin.createBucket(b -> b.bucket(bucket));
      }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      admin.close();
      server.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }

    S3ProxyServer server() {
      return server;
    }

    S3Client admin() {
      return admin;
    }
  }
}
