package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputName;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Fetches {@code task://{id}/{name}} inputs ({@link TaskOutputRef}): another task's stored output, read through
 * the queue's {@link Storage} (where that task's worker stored it) by the URI its task records. The parent must be
 * COMPLETED and have the output; the copy must have the size the storage reported when it stored it. Like the
 * other fetchers it writes to a temporary name and moves the file into place, and a stop ends it within one
 * buffer. A folder output ({@code task://{id}/hls/}, under a folder input name such as {@code "hls/"}) arrives as a
 * folder holding every stored file under it.
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
    TaskOutputRef ref = parse(request);
    Task parent = completedParent(request, ref);
    if (ref.folder()) {
      fetchFolder(request, parent, ref);
      return;
    }
    TaskOutput output = parent.outputs().stream().filter(o -> o.name().equals(ref.outputName())).findFirst()
        .orElseThrow(() -> new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': task "
            + ref.task() + " has no output '" + ref.outputName() + "' (it has " + parent.request().outputs() + ")",
            false));
    copy(request, output);
  }

  private static TaskOutputRef parse(FetchRequest request) {
    try {
      return TaskOutputRef.parse(request.source()).orElseThrow();
    } catch (RuntimeException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': not a task output URL", false);
    }
  }

  private Task completedParent(FetchRequest request, TaskOutputRef ref) {
    String name = request.name();
    Task parent = backend.find(ref.task()).orElseThrow(() -> new TaskFailureException(ErrorKind.INPUT,
        "input '" + name + "': task " + ref.task() + " no longer exists", false));
    if (parent.status() != TaskStatus.COMPLETED) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + ref.task() + " is "
          + parent.status().wireName() + ", not completed", false);
    }
    return parent;
  }

  /**
   * A folder output ({@code task://id/hls/}) arrives as a folder: every stored file of the parent under that
   * folder, at its path relative to it (see {@link #folderFiles}). The files go to a temporary folder beside the
   * target, moved into place whole.
   */
  private void fetchFolder(FetchRequest request, Task parent, TaskOutputRef ref) {
    List<FolderFile> files = folderFiles(request, parent, ref);
    Path target = request.target().toAbsolutePath().normalize();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      Files.createDirectories(tmp);
      for (FolderFile f : files) {
        Path file = tmp.resolve(f.path());
        Files.createDirectories(file.getParent());
        copyBytes(request, f.output(), file);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': cannot copy the folder '"
          + ref.name() + "' of task " + parent.id() + " from the storage: " + e.getMessage(), true, null, e);
    } finally {
      Workspaces.delete(tmp);
    }
  }

  /** A stored file of a folder output, at its path relative to the folder. */
  record FolderFile(String path, TaskOutput output) {}

  /**
   * The stored files of the folder output that {@code request} names, as {@link #fetch} would copy them: the
   * parent must be COMPLETED, and each file's path relative to the folder is checked (a relative path of bare
   * names, inside the folder, listed once).
   *
   * @throws TaskFailureException of kind {@link ErrorKind#INPUT} saying what is wrong
   */
  List<FolderFile> folderFiles(FetchRequest request) {
    TaskOutputRef ref = parse(request);
    if (!ref.folder()) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': not a folder output", false);
    }
    return folderFiles(request, completedParent(request, ref), ref);
  }

  private static List<FolderFile> folderFiles(FetchRequest request, Task parent, TaskOutputRef ref) {
    String name = request.name();
    String prefix = ref.name();
    List<FolderFile> files = new ArrayList<>();
    Path root = request.target().toAbsolutePath().normalize();
    Set<String> seen = new HashSet<>();
    for (TaskOutput o : parent.outputs()) {
      if (o.name().length() <= prefix.length() || !o.name().startsWith(prefix)) {
        continue;
      }
      String relative = o.name().substring(prefix.length());
      Path file = root.resolve(relative).normalize();
      if (!OutputName.isRelativePath(relative) || !file.startsWith(root) || file.equals(root)) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + parent.id()
            + " has a stored file '" + abbreviate(o.name()) + "' that is not a relative path inside '" + prefix
            + "'", false);
      }
      if (!seen.add(relative)) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + parent.id()
            + " lists the stored file '" + o.name() + "' twice", false);
      }
      files.add(new FolderFile(relative, o));
    }
    if (files.isEmpty()) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': task " + parent.id()
          + " stored no file under the folder '" + prefix + "' (it declared " + parent.request().outputs() + ")", false);
    }
    return files;
  }

  /**
   * Copies one stored file of a folder output to {@code file}, checking its stored size; a stop ends it within
   * one buffer.
   */
  void copyFile(FetchRequest request, FolderFile source, Path file) throws IOException {
    copyBytes(request, source.output(), file);
  }

  private void copy(FetchRequest request, TaskOutput output) {
    Path target = request.target();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      copyBytes(request, output, tmp);
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

  /** Copies {@code output} from the storage to {@code file}, checking its stored size; a stop ends it within one buffer. */
  private void copyBytes(FetchRequest request, TaskOutput output, Path file) throws IOException {
    long copied = 0;
    try (InputStream in = storage.open(output.uri()); OutputStream out = Files.newOutputStream(file)) {
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
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
