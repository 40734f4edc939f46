package io.ffmpegqueue.internal.submit;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutputRef;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.internal.split.SplitParts;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.TaskGraphs;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The submit path: checks a request (its inputs' schemes against the fetchers, its command against the
 * policy, the tenant's rate), fills in the queue's defaults, enqueues it and announces it through the
 * events hub; cancels tasks. Events, futures and cancel hooks are the hub's ({@link TaskEvents}).
 */
public final class TaskSubmitter {
  private final ClientSettings settings;
  private final QueueBackend backend;
  private final TaskEvents events;
  // Commands the policy accepted, by their text: see Accepted. At most 256 commands of at most 4 KiB.
  private static final int MAX_REMEMBERED = 256;
  private static final int MAX_REMEMBERED_COMMAND = 4096;
  private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
  // The texts that stored requests repeat (commands, file names), one instance each.
  private final SharedText texts = new SharedText();
  private volatile boolean closed;
  private final TenantRates rates;

  /** A submit path into {@code settings}' backend that announces tasks through {@code events}. */
  public TaskSubmitter(ClientSettings settings, TaskEvents events) {
    this.settings = settings;
    this.backend = settings.backend();
    this.events = events;
    this.rates = settings.tenantLimits().limitsRate() ? new TenantRates(settings.tenantLimits(), settings.clock()) : null;
  }

  /** Validates and enqueues {@code request}; see {@code FfmpegQueueClient.submit}. */
  public Submission submit(TaskRequest request) {
    return submit(null, request);
  }

  /** Validates and enqueues {@code request} as task {@code chosen} (random when null); see {@code FfmpegQueueClient}. */
  public Submission submit(TaskId chosen, TaskRequest request) {
    if (closed) {
      throw new IllegalStateException("the queue is closed; no task can be submitted");
    }
    // The caller's request is checked (its URIs are parsed already); the stored one differs only in defaults
    // and in holding its inputs compactly.
    check(request);
    TaskRequest resolved = forStorage(request);
    if (rates != null) {
      // After the checks, so an invalid request costs no token.
      rates.acquire(resolved.tenant());
    }
    if (chosen != null) {
      Optional<Task> same = ChosenIds.existing(backend, chosen, request);
      if (same.isPresent()) {
        return new Submission(same.get(), false, events::completion);
      }
    }
    Task task = Task.pending(chosen != null ? chosen : TaskId.random(), resolved, settings.clock().instant());
    var e = events.submitted(task.id(), () -> backend.enqueue(task));
    if (e.created() && e.task().status() == TaskStatus.CANCELLED) {
      events.onFinal(e.task(), TaskEvent.Type.CANCELLED); // a task it waits for had failed or been cancelled
    }
    return new Submission(e.task(), e.created(), events::completion);
  }

  /**
   * The request as the task stores it: the queue's defaults filled in, so the stored task says what will
   * apply, and the inputs as {@link CompactInputs}, so a pending task does not hold parsed URIs.
   */
  private TaskRequest forStorage(TaskRequest r) {
    Map<String, URI> inputs = CompactInputs.of(r.inputs(), texts);
    String command = texts.of(r.command());
    List<String> outputs = sharedNames(r.outputs());
    if (r.timeout() != null && r.maxAttempts() != 0 && inputs == r.inputs() && command == r.command()
        && outputs == r.outputs()) {
      return r;
    }
    // The constructor directly, not toBuilder(): the builder would copy every collection twice more.
    return new TaskRequest(command, inputs, outputs, r.priority(),
        r.timeout() != null ? r.timeout() : settings.defaultTimeout(),
        r.maxAttempts() != 0 ? r.maxAttempts() : settings.retryPolicy().maxAttempts(),
        r.idempotencyKey(), r.metadata(), r.webhookUrl(), r.tenant(), r.dependsOn(), r.split(),
        r.runAt());
  }

  /** {@code names}, or a list of the shared instances when any differs. */
  private List<String> sharedNames(List<String> names) {
    String[] shared = new String[names.size()];
    boolean same = true;
    for (int i = 0; i < shared.length; i++) {
      shared[i] = texts.of(names.get(i));
      same &= shared[i] == names.get(i);
    }
    return same ? names : List.of(shared);
  }

  private void check(TaskRequest r) {
    if (!r.dependsOn().isEmpty() && TaskGraphs.of(backend).isEmpty()) {
      throw new InvalidTaskException("depends_on", "this queue's backend (" + backend.getClass().getSimpleName()
          + ") does not keep task graphs, so no task can wait for others or read their outputs here");
    }
    if (r.isJoin()) {
      return; // nothing to fetch, no command to check
    }
    // forEach rather than entrySet()/keySet(): those views would be cached inside the request, so every
    // pending task would carry four more objects.
    String[] inputNames = new String[r.inputs().size()];
    int[] i = {0};
    r.inputs().forEach((name, uri) -> {
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals(TaskOutputRef.SCHEME)) {
        inputNames[i[0]++] = name; // checked by the request; fetched from the queue's storage by the workers
        return;
      }
      InputFetcher fetcher = settings.fetchers().forScheme(scheme);
      if (fetcher == null) {
        throw new InvalidTaskException("input_files", "'" + name + "' uses the URL scheme '" + scheme
            + "', which is not allowed here" + settings.fetchers().describeAllowed());
      }
      fetcher.validate(name, uri);
      inputNames[i[0]++] = name;
    });
    List<String> outputs = r.outputs();
    Set<String> outputNames = outputs.size() == 1 ? Set.of(outputs.get(0)) : Set.copyOf(outputs);
    Set<String> inputSet = Set.of(inputNames);
    String command = r.command();
    Accepted known = accepted.get(command);
    if (known != null && known.inputs().equals(inputSet) && known.outputs().equals(outputNames)) {
      return; // the policy accepted this very command with these very names before
    }
    settings.commandPolicy().check(FfmpegCommand.parse(command), inputSet, outputNames);
    if (command.length() <= MAX_REMEMBERED_COMMAND) {
      if (accepted.size() >= MAX_REMEMBERED) {
        accepted.clear(); // bounded; a cleared entry only costs one more check
      }
      accepted.put(command, new Accepted(inputSet, outputNames));
    }
  }

  /**
   * A command the policy accepted and the declared names it was accepted with. The check depends on the
   * command's text, those names and the (immutable) policy alone, so an equal submission gets the same
   * answer; hosts send the same few command templates over and over, and parsing and checking a command
   * costs more than the rest of a submission.
   */
  private record Accepted(Set<String> inputs, Set<String> outputs) {}

  /** Cancels task {@code id}; see {@code FfmpegQueueClient.cancel}. */
  public Optional<Task> cancel(TaskId id) {
    Optional<CancelResult> r = backend.cancel(id);
    r.ifPresent(c -> {
      if (!c.changed()) {
        return;
      }
      if (c.task().request().split() != null) {
        SplitParts.of(backend, c.task()).forEach(p -> cancel(p.id())); // parts wait on nothing: not cascaded
      }
      if (c.task().status() == TaskStatus.CANCELLED) {
        events.onFinal(c.task(), TaskEvent.Type.CANCELLED);
      } else if (c.task().status() == TaskStatus.RUNNING) {
        events.cancelRunning(id);
      }
    });
    return r.map(CancelResult::task);
  }

  /** Stops accepting submissions. */
  public void stopAccepting() {
    closed = true;
  }
}
