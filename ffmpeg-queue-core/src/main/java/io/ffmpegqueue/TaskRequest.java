package io.ffmpegqueue;

import io.ffmpegqueue.internal.submit.CompactInputs;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
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
    String tenant) {

  /** The most attempts a request may ask for. */
  public static final int MAX_ATTEMPTS_LIMIT = 100;

  private static final int MAX_COMMAND_LENGTH = 64 * 1024;
  private static final int MAX_FILES = 64;
  private static final int MAX_METADATA_ENTRIES = 64;
  private static final int MAX_METADATA_LENGTH = 1024;

  private static final int MAX_TENANT_LENGTH = 64;

  /** Validates every field and copies the collections. */
  public TaskRequest {
    if (command == null || command.isBlank()) {
      throw new InvalidTaskException("command", "must not be empty");
    }
    if (command.length() > MAX_COMMAND_LENGTH) {
      throw new InvalidTaskException(
          "command", "is " + command.length() + " characters long, more than " + MAX_COMMAND_LENGTH);
    }
    if (command.indexOf('\0') >= 0) {
      throw new InvalidTaskException("command", "must not contain a NUL character");
    }
    inputs = copyInputs(inputs);
    outputs = copyOutputs(outputs, inputs);
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
    metadata = copyMetadata(metadata);
    checkWebhookUrl(webhookUrl);
    if (tenant != null) {
      checkTenant(tenant);
    }
  }

  private static void checkWebhookUrl(URI url) {
    if (url == null) {
      return;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new InvalidTaskException("webhook_url", "must be an absolute http or https URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new InvalidTaskException("webhook_url", "has no host");
    }
    if (url.getRawUserInfo() != null) {
      // Credentials in a URL end up in logs and task listings; receivers verify the signature instead.
      throw new InvalidTaskException("webhook_url", "must not carry user info (credentials)");
    }
    if (url.toString().length() > 2048) {
      throw new InvalidTaskException("webhook_url", "is longer than 2048 characters");
    }
  }

  /** A builder for a request. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this request. */
  public Builder toBuilder() {
    Builder b = new Builder().command(command).priority(priority).timeout(timeout)
        .maxAttempts(maxAttempts).idempotencyKey(idempotencyKey).webhookUrl(webhookUrl).tenant(tenant);
    b.inputs.putAll(inputs);
    b.outputs.addAll(outputs);
    b.metadata.putAll(metadata);
    return b;
  }

  /** The first output ({@code output_filename} in the JSON form). */
  public String outputFilename() {
    return outputs.get(0);
  }

  /**
   * Checks a tenant name: 1 to 64 characters of {@code [A-Za-z0-9_.-]}.
   *
   * @throws InvalidTaskException naming the field {@code tenant} when it is not one
   */
  public static String checkTenant(String tenant) {
    if (tenant == null || tenant.length() > MAX_TENANT_LENGTH || !hasFileNameChars(tenant)) {
      throw new InvalidTaskException("tenant", "'" + abbreviate(tenant) + "' is not a tenant name (1 to "
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
      throw new InvalidTaskException(field, "'" + abbreviate(name)
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
        checkFileName("input_files", compact.name(i));
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

  private static URI checkedInput(String name, URI uri) {
    checkFileName("input_files", name);
    if (uri == null) {
      throw new InvalidTaskException("input_files", "'" + name + "' has no URL");
    }
    if (!uri.isAbsolute()) {
      throw new InvalidTaskException(
          "input_files", "'" + name + "' URL '" + abbreviate(uri.getRawPath()) + "' has no scheme");
    }
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
    // List.copyOf keeps an immutable list as it is (a request made from another's).
    return List.copyOf(outputs);
  }

  private static Map<String, String> copyMetadata(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new InvalidTaskException("metadata", "has " + metadata.size() + " entries, more than " + MAX_METADATA_ENTRIES);
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getKey().length() > 128) {
        throw new InvalidTaskException("metadata", "keys must be 1 to 128 characters");
      }
      if (e.getValue() == null || e.getValue().length() > MAX_METADATA_LENGTH) {
        throw new InvalidTaskException(
            "metadata", "'" + e.getKey() + "' must have a value of at most " + MAX_METADATA_LENGTH + " characters");
      }
    }
    return Map.copyOf(metadata);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
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

    private Builder() {}

    /** The ffmpeg arguments, e.g. {@code "-i input.mp4 output.mp4"}. */
    public Builder command(String command) {
      this.command = command;
      return this;
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

    /** The validated request. */
    public TaskRequest build() {
      return new TaskRequest(command, inputs, outputs, priority, timeout, maxAttempts, idempotencyKey, metadata,
          webhookUrl, tenant);
    }
  }
}
