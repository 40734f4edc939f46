package io.ffmpegqueue;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Another task's stored output, named as an input: {@code task://{task id}/{output name}}. A task whose request
 * has such an input waits for that task ({@link TaskRequest#dependsOn()} gains its id), and the worker fetches the
 * output from the storage it went to, with the same checks as any input. A name ending in {@code /}
 * ({@code task://{id}/hls/}) names a folder output, which arrives as a folder in the workspace.
 *
 * <pre>{@code
 * TaskRequest thumbnail = TaskRequest.builder()
 *     .command("-i video.mp4 -frames:v 1 thumb.jpg")
 *     .input("video.mp4", TaskOutputRef.of(transcode.id(), "output.mp4").uri())
 *     .output("thumb.jpg")
 *     .build();
 * }</pre>
 *
 * @param task the task whose output it is
 * @param name the output's name in that task's request; ends with {@code /} for a folder output
 */
public record TaskOutputRef(TaskId task, String name) {
  /** The URI scheme of task outputs. */
  public static final String SCHEME = "task";

  /** Checks the name: a bare file name, or a relative path of bare names followed by {@code /} for a folder. */
  public TaskOutputRef {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(name, "name");
    boolean valid = name.endsWith("/") ? InputFolders.isFolder(name) : TaskRequest.isValidFileName(name);
    if (!valid) {
      throw new IllegalArgumentException("'" + abbreviate(name) + "' is not an output name of task " + task);
    }
  }

  /** The output {@code name} of {@code task}. */
  public static TaskOutputRef of(TaskId task, String name) {
    return new TaskOutputRef(task, name);
  }

  /** Whether this names a folder output as a whole ({@code task://{id}/hls/}). */
  public boolean folder() {
    return name.endsWith("/");
  }

  /** The output's name without a folder's trailing {@code /}: the name in the task's outputs. */
  public String outputName() {
    return folder() ? name.substring(0, name.length() - 1) : name;
  }

  /** The {@code task://} URI. */
  public URI uri() {
    return URI.create(SCHEME + "://" + task.value() + "/" + name);
  }

  @Override
  public String toString() {
    return uri().toString();
  }

  /** Whether {@code uri} uses the {@code task} scheme. */
  public static boolean isTaskUri(URI uri) {
    return uri != null && SCHEME.equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT));
  }

  /**
   * The output a {@code task://} URI names, or empty for a URI of another scheme.
   *
   * @throws IllegalArgumentException when the URI uses the scheme but is not {@code task://{id}/{name}}
   */
  public static Optional<TaskOutputRef> parse(URI uri) {
    if (!isTaskUri(uri)) {
      return Optional.empty();
    }
    // The raw authority, not the host: task ids may hold '_', which a host name may not.
    String id = uri.getRawAuthority();
    String path = uri.getRawPath();
    if (id == null || path == null || path.length() < 2 || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("is not of the form task://{task id}/{output name}");
    }
    TaskId task;
    try {
      task = TaskId.of(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("names no valid task id: " + e.getMessage(), e);
    }
    return Optional.of(new TaskOutputRef(task, path.substring(1)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
