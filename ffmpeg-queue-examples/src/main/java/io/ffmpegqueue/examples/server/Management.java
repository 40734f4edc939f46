package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.spi.QueueBackend;

/** Makes the management endpoints and the dashboard of an {@link ApiServer} from its configuration. */
final class Management {
  private Management() {}

  /** The management endpoints over {@code backend}'s task admin, or {@code null} when it has none. */
  static AdminEndpoints endpoints(QueueBackend backend, Storage storage, TaskEndpoints tasks) {
    if (backend == null || backend.admin().isEmpty()) {
      return null;
    }
    return new AdminEndpoints(backend.admin().orElseThrow(), backend.workerRegistry().orElse(null), storage,
        tasks::find);
  }

  /** The dashboard, or {@code null} when it is off; with {@code auth}, only the plain token logs in. */
  static Dashboard dashboard(boolean on, BearerAuth auth) {
    if (!on) {
      return null;
    }
    return new Dashboard(auth == null ? null
        : token -> BearerAuth.NO_TENANT.equals(auth.check("Bearer " + token)));
  }
}
