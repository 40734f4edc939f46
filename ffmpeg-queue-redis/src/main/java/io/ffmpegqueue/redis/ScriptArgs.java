package io.ffmpegqueue.redis;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The arguments of the claim and finish scripts, and the leases in a claim's answer. */
final class ScriptArgs {
  private ScriptArgs() {}

  static Object[] claim(ClaimRequest request, List<Object> before) {
    List<Object> a = new ArrayList<>(before);
    a.add(request.workerId());
    a.add(request.maxTasks());
    a.add(request.leaseDuration().toMillis());
    Map<String, Integer> byTenant = new HashMap<>();
    request.tenantLimits().tenants().forEach((t, l) -> byTenant.put(t, l.maxRunning()));
    a.addAll(Scripts.limits(request.tenantLimits().defaults().maxRunning(), byTenant));
    return a.toArray();
  }

  /** The leases in a claim's answer: element {@code at} is the due time, the tasks follow. */
  static List<Lease> leases(List<?> r, int at, String workerId) {
    if (r.size() <= at + 1) {
      return List.of();
    }
    List<Lease> out = new ArrayList<>(r.size() - at - 1);
    for (int i = at + 1; i < r.size(); i++) {
      Map<String, String> h = TaskHashes.fields(r.get(i));
      out.add(new Lease(TaskHashes.task(h), workerId, TaskHashes.instant(h.get("le"))));
    }
    return out;
  }

  /** The finish script's arguments: id, attempt, kind, payload, delay in microseconds. */
  static List<Object> ending(Lease lease, Outcome outcome, InstantSource clock) {
    Objects.requireNonNull(outcome, "outcome");
    String kind;
    String payload = "";
    long delay = 0;
    if (outcome instanceof Outcome.Completed done) {
      kind = "COMPLETED";
      payload = TaskHashes.outputsJson(done.outputs());
    } else if (outcome instanceof Outcome.Failed f) {
      kind = f.retryAt() == null ? "FAILED" : "RETRY";
      payload = TaskHashes.errorJson(f.error());
      if (f.retryAt() != null) {
        // The worker's clock says when; the delay from its now is what carries over to the server's clock.
        delay = Math.max(0, TaskHashes.micros(f.retryAt()) - TaskHashes.micros(clock.instant()));
      }
    } else if (outcome instanceof Outcome.Cancelled c) {
      kind = "CANCELLED";
      payload = TaskHashes.errorJson(TaskError.of(ErrorKind.CANCELLED,
          c.reason() == null ? "cancelled while running" : c.reason()));
    } else {
      kind = "RELEASED";
    }
    return List.of(lease.taskId().value(), lease.attempt(), kind, payload, delay);
  }
}
