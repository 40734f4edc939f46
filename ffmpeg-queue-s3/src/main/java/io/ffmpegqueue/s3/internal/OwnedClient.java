package io.ffmpegqueue.s3.internal;

import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A client this module built, with the I/O threads it runs on. Closing it stops those threads at once:
 * the SDK's own shutdown of a group it made waits a fixed two-second quiet period, which a host closing
 * its queue (or a test suite) should not pay for nothing.
 *
 * @param client the client
 * @param group its event loop group, owned here
 */
public record OwnedClient(S3AsyncClient client, SdkEventLoopGroup group) implements AutoCloseable {
  @Override
  public void close() {
    client.close();
    group.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
  }
}
