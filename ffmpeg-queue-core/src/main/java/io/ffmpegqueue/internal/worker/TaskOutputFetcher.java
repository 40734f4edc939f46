package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskOutputRef;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.spi.QueueBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;

/**
 * Fetches {@code task://{id}/{name}} inputs ({@link TaskOutputRef}): another task's stored output, read through
 * the queue's {@link Storage} (where that task's worker stored it) by the URI its task records. The parent must be
 * COMPLETED and have the output; the copy must have the size the storage reported when it stored it. Like the
 * other fetchers it writes to a temporary name and moves the file into place, and a stop ends it within one
 * buffer.
 */
public final class TaskOutputFetcher implements InputFetcher {
  private static final int BUFFER = 1 << 16;

  private final QueueBackend backend;
  private final Storage storage;

  /** A fetcher that looks tasks up in {@code backend} and reads their outputs from {@code storage}. */
  public TaskOutputFetcher(QueueBackend backend, Storage storage) {
    this.backend = backend;
    this.storage = storage;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(TaskOutputRef.SCHEME);
  }

  @Override
  public void fetch(FetchRequest request) {
    String name = request.name();
    TaskOutputRef ref;
    try {
      ref = TaskOutputRef.parse(request.source()).orElseThrow();
    } catch (RuntimeException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': not a task output URL", false);
    }
    Task parent = backend.find(ref.task()).orElseThrow(() -> new TaskFailureException(ErrorKind.INPUT,
        "input '" + name + "': task " + ref.task() + " no longer exists", false));
    if (parent.status() != TaskStatus.COMPLETED) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + ref.task() + " is "
          + parent.status().wireName() + ", not completed", false);
    }
    if (ref.folder()) {
      fetchFolder(request, parent, ref);
      return;
    }
    TaskOutput output = parent.outputs().stream().filter(o -> o.name().equals(ref.outputName())).findFirst()
        .orElseThrow(() -> new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + ref.task()
            + " has no output '" + ref.outputName() + "' (it has " + parent.request().outputs() + ")", false));
    copy(request, output);
  }

  /**
   * A folder output ({@code task://id/hls/}) arrives as a folder: the seam for folder outputs, which tasks cannot
   * declare yet. Until they can, no completed task has one, and this refuses the input.
   */
  private void fetchFolder(FetchRequest request, Task parent, TaskOutputRef ref) {
    throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': task " + parent.id()
        + " has no folder output '" + ref.outputName() + "/' (folder outputs are not supported yet)", false);
  }

  private void copy(FetchRequest request, TaskOutput output) {
    Path target = request.target();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      long copied = 0;
      try (InputStream in = storage.open(output.uri()); OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) > 0) {
          if (request.context().isStopped()) {
            throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': copy stopped", true);
          }
          out.write(buf, 0, n);
          copied += n;
        }
      }
      if (copied != output.size()) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': read " + copied
            + " bytes of " + output.uri() + ", which was stored with " + output.size(), true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': cannot read " + output.uri()
          + " from the storage: " + e.getMessage(), true, null, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the workspace is removed with the attempt anyway
      }
    }
  }
}
