package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import java.util.List;
import java.util.stream.Collectors;

/** The backends this build knows, by their {@code QUEUE_BACKEND} name. */
public final class Backends {
  /** Every backend factory; a new backend adds its own here. */
  public static final List<BackendFactory> ALL = List.of(new Memory());

  private Backends() {}

  /**
   * The factory named {@code name}.
   *
   * @throws ConfigException naming {@code QUEUE_BACKEND} when no backend has that name
   */
  public static BackendFactory forName(String name) {
    for (BackendFactory f : ALL) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new ConfigException("QUEUE_BACKEND", "unknown backend '" + name + "'; this build has: "
        + ALL.stream().map(BackendFactory::name).collect(Collectors.joining(", ")));
  }

  /** The in-memory backend: this process only, lost when it exits; {@code MAX_QUEUE} is its capacity. */
  static final class Memory implements BackendFactory {
    @Override
    public String name() {
      return "memory";
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public QueueBackend create(ServiceConfig config) {
      return InMemoryQueueBackend.builder().capacity(config.maxQueue()).build();
    }
  }
}
