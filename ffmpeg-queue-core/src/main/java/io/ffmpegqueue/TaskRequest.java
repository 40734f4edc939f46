package io.ffmpegqueue;

import io.ffmpegqueue.internal.submit.CompactInputs;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a host asks the queue to do: an ffmpeg command, the files it reads (by name, each fetched from a
 * URI) and the files it writes (by name). Immutable and validated on construction, so an invalid request
 * never reaches the queue; the exception names the field.
 *
 * <pre>{@code
 * TaskRequest request = TaskRequest.builder()
 *     .command("-i input.mp4 -vf scale=640:-2 output.mp4")
 *     .input("input.mp4", URI.create("https://example.com/video.mp4"))
 *     .output("output.mp4")
 *     .build();
 * }</pre>
 *
 * @param command the ffmpeg arguments, as one string in shell word syntax, without the program name
 * @param inputs input file name to the URI it is fetched from, in declaration order
 * @param outputs the output file names; the first is {@code output_filename} in the JSON form
 * @param priority lower runs first; 0 by default, negative for urgent work
 * @param timeout how long one attempt may run, or {@code null} for the queue's default
 * @param maxAttempts how many attempts in all, or 0 for the queue's retry policy
 * @param idempotencyKey a key that makes a repeated submission return the first task, or {@code null}
 * @param metadata free-form host data carried with the task (a user id)
 * @param webhookUrl where the task's final JSON is POSTed when it completes, fails or is cancelled (an
 *     absolute http or https URL), or {@code null} for none
 * @param tenant the tenant the task belongs to, for per-tenant limits and fair claiming
 *     ({@link TenantLimits}), or {@code null} for none: 1 to 64 characters of {@code [A-Za-z0-9_.-]}
 * @param dependsOn the tasks this one waits for ({@code depends_on} in the JSON form): it becomes ready only when
 *     every one of them is COMPLETED, and ends CANCELLED ({@link ErrorKind#DEPENDENCY}) when one of them ends
 *     FAILED or CANCELLED. Holds the task of every {@code task://} input ({@link TaskOutputRef}) too, in
 *     declaration order after those named; no duplicates; at most {@value #MAX_DEPENDENCIES}. A request with
 *     dependencies may have no command (a <em>join</em>, see {@link #isJoin()}).
 * @param split how to split the encode across workers ({@link Split}), or {@code null} to run it in one piece
 * @param runAt the earliest time the task may run ({@code run_at}), or {@code null} for at once: it becomes the
 *     new task's {@link Task#runAt()} (a time already past runs it at once) and is not kept in the request
 */
public record TaskRequest(
    String command,
    Map<String, URI> inputs,
    List<String> outputs,
    int priority,
    Duration timeout,
    int maxAttempts,
    String idempotencyKey,
    Map<String, String> metadata,
    URI webhookUrl,
    String tenant,
    List<TaskId> dependsOn,
    Split split,
    Instant runAt) {

  /** The most attempts a request may ask for. */
  public static final int MAX_ATTEMPTS_LIMIT = 100;

  private static final int MAX_COMMAND_LENGTH = 64 * 1024;
  private static final int MAX_FILES = 64;

  private static final int MAX_TENANT_LENGTH = 64;

  /** The most tasks one task may wait for. */
  public static final int MAX_DEPENDENCIES = 10_000;

  /** Validates every field and copies the collections. */
  public TaskRequest {
    inputs = copyInputs(inputs);
    dependsOn = TaskDependencies.copy(dependsOn, inputs);
    if (command == null && !dependsOn.isEmpty()) {
      TaskDependencies.checkJoin(inputs, outputs);
      outputs = List.of();
    } else if (command == null || command.isBlank()) {
      throw new InvalidTaskException("command", "must not be empty");
    } else if (command.length() > MAX_COMMAND_LENGTH) {
      throw new InvalidTaskException(
          "command", "is " + command.length() + " characters long, more than " + MAX_COMMAND_LENGTH);
    }
    if (command != null) {
      if (command.indexOf('\0') >= 0) {
        throw new InvalidTaskException("command", "must not contain a NUL character");
      }
      outputs = copyOutputs(outputs, inputs);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new InvalidTaskException("timeout", "must be positive, got " + timeout);
    }
    if (maxAttempts < 0 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new InvalidTaskException(
          "max_attempts", "must be between 1 and " + MAX_ATTEMPTS_LIMIT + " (or 0 for the default), got " + maxAttempts);
    }
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
      throw new InvalidTaskException("idempotency_key", "must be 1 to 255 characters");
    }
    metadata = RequestFields.copyMetadata(metadata);
    RequestFields.checkWebhookUrl(webhookUrl);
    if (tenant != null) {
      checkTenant(tenant);
    }
    if (runAt != null && !dependsOn.isEmpty()) {
      throw new InvalidTaskException("run_at", "cannot be given with depends_on: the task runs when its parents end");
    }
    if (split != null) {
      SplitRequests.check(command, outputs);
    }
  }

  /** A builder for a request. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this request. */
  public Builder toBuilder() {
    Builder b = new Builder().command(command).priority(priority).timeout(timeout)
        .maxAttempts(maxAttempts).idempotencyKey(idempotencyKey).webhookUrl(webhookUrl).tenant(tenant).split(split)
        .runAt(runAt);
    b.dependsOn.addAll(dependsOn);
    b.inputs.putAll(inputs);
    b.outputs.addAll(outputs);
    b.metadata.putAll(metadata);
    return b;
  }

  /** The first output ({@code output_filename} in the JSON form), or {@code null} for a join. */
  public String outputFilename() {
    return outputs.isEmpty() ? null : outputs.get(0);
  }

  /**
   * Whether this is a join: a request with dependencies and no command, whose task completes (with no outputs,
   * firing its events and webhook) as soon as every task it waits for has completed; no ffmpeg runs for it.
   */
  public boolean isJoin() {
    return command == null;
  }

  /**
   * Checks a tenant name: 1 to 64 characters of {@code [A-Za-z0-9_.-]}.
   *
   * @throws InvalidTaskException naming the field {@code tenant} when it is not one
   */
  public static String checkTenant(String tenant) {
    if (tenant == null || tenant.length() > MAX_TENANT_LENGTH || !hasFileNameChars(tenant)) {
      throw new InvalidTaskException("tenant", "'" + RequestFields.abbreviate(tenant) + "' is not a tenant name (1 to "
          + MAX_TENANT_LENGTH + " characters: letters, digits, '_', '-', '.')");
    }
    return tenant;
  }

  /** Whether {@code name} is an acceptable input or output file name: a bare name, no path, no option. */
  public static boolean isValidFileName(String name) {
    return name != null
        && hasFileNameChars(name)
        && !name.contains("..")
        && !name.startsWith("-")
        && !name.equals(".");
  }

  // The form [A-Za-z0-9_.-]{1,255}, checked by hand: every submission checks each of its file names (twice
  // when the queue fills in defaults), and a regex match cost several times the rest of the check.
  private static boolean hasFileNameChars(String s) {
    int n = s.length();
    if (n < 1 || n > 255) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static void checkFileName(String field, String name) {
    if (!isValidFileName(name)) {
      throw new InvalidTaskException(field, "'" + RequestFields.abbreviate(name)
          + "' is not a bare file name (letters, digits, '_', '-', '.'; no path separator, no '..', not starting with '-')");
    }
  }

  private static Map<String, URI> copyInputs(Map<String, URI> inputs) {
    if (inputs == null) {
      return Map.of();
    }
    if (inputs.size() > MAX_FILES) {
      throw new InvalidTaskException("input_files", "has " + inputs.size() + " entries, more than " + MAX_FILES);
    }
    if (inputs instanceof CompactInputs compact) {
      // The queue's stored form, immutable, made from a request's checked inputs (only absolute URIs):
      // kept as it is, without making its URIs again; the names are checked again, which is cheap.
      for (int i = 0; i < compact.size(); i++) {
        checkInputName(compact.name(i));
      }
      return compact;
    }
    // forEach, not entrySet(): the map passed in is often another request's, and entrySet() would leave a
    // cached view object inside it (in an old request, one more old-to-young pointer for the GC to scan).
    if (inputs.size() == 1) {
      // The usual case, in a singleton map: a quarter of the memory of a one-entry LinkedHashMap and its
      // wrapper, and a pending task holds it.
      Object[] only = new Object[2];
      inputs.forEach((name, uri) -> {
        only[1] = checkedInput(name, uri);
        only[0] = name;
      });
      return Collections.singletonMap((String) only[0], (URI) only[1]);
    }
    Map<String, URI> copy = new LinkedHashMap<>(inputs.size() * 4 / 3 + 1);
    inputs.forEach((name, uri) -> copy.put(name, checkedInput(name, uri)));
    return Collections.unmodifiableMap(copy);
  }

  private static void checkInputName(String name) {
    if (name != null && name.endsWith("/")) {
      InputFolders.checkInput(name, null);
    } else {
      checkFileName("input_files", name);
    }
  }

  private static URI checkedInput(String name, URI uri) {
    checkInputName(name);
    if (uri == null) {
      throw new InvalidTaskException("input_files", "'" + name + "' has no URL");
    }
    if (!uri.isAbsolute()) {
      throw new InvalidTaskException(
          "input_files", "'" + name + "' URL '" + RequestFields.abbreviate(uri.getRawPath()) + "' has no scheme");
    }
    InputFolders.checkInput(name, uri);
    return uri;
  }

  private static List<String> copyOutputs(List<String> outputs, Map<String, URI> inputs) {
    if (outputs == null || outputs.isEmpty()) {
      throw new InvalidTaskException("output_filename", "at least one output file name is required");
    }
    if (outputs.size() > MAX_FILES) {
      throw new InvalidTaskException("output_files", "has " + outputs.size() + " entries, more than " + MAX_FILES);
    }
    // One output, the usual case, cannot be declared twice: no set for it.
    Set<String> seen = outputs.size() == 1 ? null : new HashSet<>();
    boolean media = false;
    for (String name : outputs) {
      if (isValidFileName(name)) {
        if (inputs.containsKey(name)) {
          throw new InvalidTaskException("output_files", "'" + name + "' is also an input; an output must not overwrite an input");
        }
      } else {
        media = true;
      }
      if (seen != null && !seen.add(name)) {
        throw new InvalidTaskException("output_files", "'" + name + "' is declared twice");
      }
    }
    if (media) {
      OutputNames.check(outputs, inputs.keySet());
    }
    InputFolders.checkOverlaps(inputs, outputs);
    // List.copyOf keeps an immutable list as it is (a request made from another's).
    return List.copyOf(outputs);
  }


  /** Builds a {@link TaskRequest}; {@link #build()} validates. */
  public static final class Builder {
    private String command;
    private final Map<String, URI> inputs = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private int priority;
    private Duration timeout;
    private int maxAttempts;
    private String idempotencyKey;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private URI webhookUrl;
    private String tenant;
    private final List<TaskId> dependsOn = new ArrayList<>();
    private Split split;
    private Instant runAt;

    private Builder() {}

    /** The ffmpeg arguments, e.g. {@code "-i input.mp4 output.mp4"}; {@code null} (no command) for a join. */
    public Builder command(String command) {
      this.command = command;
      return this;
    }

    /**
     * Makes the task wait for {@code tasks}: it runs only once all of them have COMPLETED, and is cancelled when
     * one of them fails or is cancelled. With no command, the task is a join that completes when they have.
     */
    public Builder after(TaskId... tasks) {
      return after(List.of(tasks));
    }

    /** {@link #after(TaskId...)} for a collection, in its iteration order. */
    public Builder after(Collection<TaskId> tasks) {
      dependsOn.addAll(tasks);
      return this;
    }

    /**
     * Declares input {@code name} as output {@code output} of task {@code task} ({@code task://task/output}, see
     * {@link TaskOutputRef}); the task waits for {@code task}.
     */
    public Builder input(String name, TaskId task, String output) {
      return input(name, TaskOutputRef.of(task, output).uri());
    }

    /** Declares an input file {@code name}, fetched from {@code uri} before ffmpeg runs. */
    public Builder input(String name, URI uri) {
      inputs.put(name, uri);
      return this;
    }

    /** Declares an input from a URI in text form. */
    public Builder input(String name, String uri) {
      try {
        return input(name, new URI(uri));
      } catch (URISyntaxException e) {
        // The reason and index only: the URL itself may carry a signature in its query.
        throw new InvalidTaskException("input_files",
            "'" + name + "' URL is malformed at index " + e.getIndex() + ": " + e.getReason());
      }
    }

    /** Declares all the given inputs. */
    public Builder inputs(Map<String, URI> inputs) {
      this.inputs.putAll(inputs);
      return this;
    }

    /** Declares an output file name. */
    public Builder output(String name) {
      outputs.add(name);
      return this;
    }

    /** Declares all the given outputs, in order. */
    public Builder outputs(List<String> names) {
      outputs.addAll(names);
      return this;
    }

    /** Lower runs first; 0 by default. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** How long one attempt may run; {@code null} for the queue's default. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** How many attempts in all; 0 for the queue's retry policy. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** A key under which a repeated submission returns the first task instead of a new one. */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = key;
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** Adds all the metadata entries. */
    public Builder metadata(Map<String, String> entries) {
      metadata.putAll(entries);
      return this;
    }

    /** Where the final task JSON is POSTed (absolute http or https); {@code null} for no webhook. */
    public Builder webhookUrl(URI url) {
      this.webhookUrl = url;
      return this;
    }

    /** A webhook URL in text form. */
    public Builder webhookUrl(String url) {
      if (url == null) {
        this.webhookUrl = null;
        return this;
      }
      try {
        return webhookUrl(new URI(url));
      } catch (URISyntaxException e) {
        throw new InvalidTaskException("webhook_url", "is malformed at index " + e.getIndex() + ": " + e.getReason());
      }
    }

    /**
     * The tenant the task belongs to; {@code null} for none. Checked on {@link #build()}: 1 to 64 characters
     * of {@code [A-Za-z0-9_.-]}.
     */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /**
     * Encodes the video in parts of about {@link Split#segmentSeconds()} on several workers, joined into the
     * one output; {@code null} (the default) runs it in one piece. The command must be one that can be split.
     */
    public Builder split(Split split) {
      this.split = split;
      return this;
    }

    /**
     * The earliest time the task may run; {@code null} (the default) runs it as soon as a worker is free. For a
     * delay, {@code runAt(clock.instant().plus(delay))}. Listed as scheduled until then.
     */
    public Builder runAt(Instant runAt) {
      this.runAt = runAt;
      return this;
    }

    /** The validated request. */
    public TaskRequest build() {
      return new TaskRequest(command, inputs, outputs, priority, timeout, maxAttempts, idempotencyKey, metadata,
          webhookUrl, tenant, dependsOn, split, runAt);
    }
  }
}
