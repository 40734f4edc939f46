package io.ffmpegqueue.bench.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * S3Proxy in a process of its own, so that the server's CPU and memory are the same whichever client is
 * measured. Arguments: data folder, access key, secret key. Prints {@code READY <port>} once it listens
 * and runs until its standard input closes.
 */
public final class S3ProxyProcess {
  private S3ProxyProcess() {}

  /** Runs the server. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(dir.toString()))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V4, args[1], args[2])
        .stopTimeout(0)
        .build();
    proxy.start();
    System.out.println("READY " + proxy.getPort());
    System.out.flush();
    // The parent closes our stdin to stop us (or dies, which closes it too).
    while (System.in.read() >= 0) {
      // keep reading until EOF
    }
    proxy.stop();
  }
}
