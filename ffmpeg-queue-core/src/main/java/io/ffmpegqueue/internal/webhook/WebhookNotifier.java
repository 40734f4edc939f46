package io.ffmpegqueue.internal.webhook;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.WebhookSettings;
import io.ffmpegqueue.internal.http.GuardedDns;
import io.ffmpegqueue.internal.http.GuardedSocketFactory;
import io.ffmpegqueue.internal.http.HostPolicy;
import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Dns;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks: a thread ({@code ffq-webhooks}) takes due deliveries from the backend, POSTs the signed
 * task JSON, and records each attempt with the next one's time. Deliveries live in the backend, so a new
 * process on a shared backend resumes those a stopped one left. The backend's {@link WebhookOutbox} stores
 * a delivery with the task's final state; a final event wakes the thread, so the first attempt does not wait
 * for the poll.
 */
public final class WebhookNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int BATCH = 16;

  private final WebhookSettings settings;
  private final QueueBackend backend;
  private final WebhookOutbox outbox;
  private final InstantSource clock;
  private final HostPolicy policy;
  private final OkHttpClient base;
  private final Subscription subscription;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean woken;
  private volatile boolean closed;

  /** Starts delivering for the tasks whose end {@code events} publishes. */
  public WebhookNotifier(WebhookSettings settings, QueueBackend backend, WebhookOutbox outbox, TaskEvents events,
      InstantSource clock) {
    this.settings = settings;
    this.backend = backend;
    this.outbox = outbox;
    this.clock = clock;
    this.policy = HostPolicy.of(settings.allowedHosts(), false);
    this.base = new OkHttpClient.Builder()
        .callTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .followRedirects(false) // a redirect could lead past the address guard's intent; receivers answer directly
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
    this.subscription = events.subscribe(null, this::onEvent);
    this.thread = new Thread(this::loop, "ffq-webhooks");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void onEvent(TaskEvent e) {
    if (!e.type().isFinal() || e.task().request().webhookUrl() == null) {
      return;
    }
    signal(); // the backend stored the delivery with the task's end
  }

  private void signal() {
    lock.lock();
    try {
      woken = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (!closed) {
      List<DueWebhook> due;
      try {
        // Held for two timeouts: long enough for this attempt, short enough that a dead process's claim
        // comes due again soon.
        due = outbox.claimDueWebhooks(clock.instant(), settings.timeout().multipliedBy(2), BATCH);
      } catch (RuntimeException e) {
        log.warn("could not read due webhook deliveries: {}", e.toString());
        due = List.of();
      }
      for (DueWebhook d : due) {
        if (closed) {
          return;
        }
        deliver(d);
      }
      if (due.size() < BATCH) {
        awaitWake(settings.pollInterval());
      }
    }
  }

  private void awaitWake(Duration d) {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (!woken && !closed && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  private void deliver(DueWebhook due) {
    WebhookDelivery d = due.delivery();
    Optional<Task> task = backend.find(due.taskId());
    Instant now = clock.instant();
    WebhookAttempt attempt;
    boolean retry;
    if (task.isEmpty()) {
      attempt = new WebhookAttempt(now, null, "the task is gone (pruned) before its webhook was delivered");
      retry = false;
    } else {
      Outcome o = post(d, TaskJson.write(task.get()));
      attempt = new WebhookAttempt(now, o.status, o.error);
      retry = o.retryable;
    }
    WebhookDelivery next;
    int made = d.attempts().size() + 1;
    if (attempt.delivered()) {
      next = d.after(attempt, WebhookDelivery.State.DELIVERED, null);
    } else if (retry && made < settings.backoff().size()) {
      next = d.after(attempt, WebhookDelivery.State.PENDING, now.plus(settings.backoff().get(made)));
    } else {
      next = d.after(attempt, WebhookDelivery.State.FAILED, null);
      log.warn("task {}: webhook delivery {} failed for good after {} attempt(s): {}", due.taskId(), d.deliveryId(),
          made, attempt.error());
    }
    try {
      outbox.updateWebhook(due.taskId(), next);
    } catch (RuntimeException e) {
      log.warn("task {}: could not record webhook attempt: {}", due.taskId(), e.toString());
    }
  }

  private record Outcome(Integer status, String error, boolean retryable) {}

  private Outcome post(WebhookDelivery d, String body) {
    String host = d.url().getHost();
    HostPolicy.HostCheck check = policy.check(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    if (check.refusal() != null) {
      return new Outcome(null, "refused: " + check.refusal(), false);
    }
    GuardedDns dns = new GuardedDns(policy, Dns.SYSTEM);
    OkHttpClient client = base.newBuilder().dns(dns).socketFactory(new GuardedSocketFactory(policy, dns)).build();
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    Request.Builder rb = new Request.Builder().url(d.url().toString())
        .header("User-Agent", "ffmpeg-queue-webhook")
        .header("X-FFQ-Delivery", d.deliveryId())
        .header("X-FFQ-Timestamp", timestamp)
        .post(RequestBody.create(body, JSON));
    if (settings.secret() != null) {
      rb.header("X-FFQ-Signature", "sha256=" + sign(settings.secret(), timestamp, body));
    }
    try (Response r = client.newCall(rb.build()).execute()) {
      int code = r.code();
      if (code >= 200 && code < 300) {
        return new Outcome(code, null, false);
      }
      boolean retryable = code >= 500 || code == 408 || code == 429;
      return new Outcome(code, "HTTP " + code, retryable);
    } catch (IOException e) {
      // The URL's path and query may carry a receiver's token: name only the host.
      String refusal = e instanceof java.net.UnknownHostException u && u.getClass().getSimpleName().startsWith("Refused")
          ? "refused: " : "";
      return new Outcome(null, refusal + e.getClass().getSimpleName() + " reaching " + host + ": " + e.getMessage(),
          refusal.isEmpty());
    }
  }

  /** The hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code secret}. */
  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Stops delivering; deliveries not made stay in the backend for the next process. */
  @Override
  public void close() {
    closed = true;
    subscription.close();
    signal();
    try {
      thread.join(settings.timeout().toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
