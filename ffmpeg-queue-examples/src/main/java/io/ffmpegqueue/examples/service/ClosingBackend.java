package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.spi.ForwardingQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;

/**
 * A backend that also closes what the service made for it (the connection pool), after the backend:
 * a library backend never closes the host's DataSource, but here the service is the host.
 */
final class ClosingBackend extends ForwardingQueueBackend {
  private final AutoCloseable resource;

  ClosingBackend(QueueBackend delegate, AutoCloseable resource) {
    super(delegate);
    this.resource = resource;
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      try {
        resource.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(ClosingBackend.class).warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
