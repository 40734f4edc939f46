package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.spi.QueueBackend;

/**
 * Makes the queue backend that {@code QUEUE_BACKEND} names. A backend module plugs into the service by
 * adding its factory to {@link Backends#ALL}.
 */
public interface BackendFactory {
  /** The value of {@code QUEUE_BACKEND} that selects this backend ({@code memory}, {@code postgres}). */
  String name();

  /**
   * Whether processes other than this one can share the backend's tasks: a standalone worker refuses to
   * start on a backend that is not shared, since it would never see the API's tasks.
   */
  boolean shared();

  /**
   * Makes the backend from the configuration (reading its own variables with
   * {@link ServiceConfig#variable(String)}) for a process that does {@code load} (a pool sized for it).
   *
   * @throws io.ffmpegqueue.examples.config.ConfigException naming the variable that is missing or invalid
   */
  QueueBackend create(ServiceConfig config, ProcessLoad load);
}
