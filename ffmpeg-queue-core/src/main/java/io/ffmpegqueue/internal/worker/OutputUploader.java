package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.OutputNames;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.support.NamedThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a task's folder and pattern outputs while ffmpeg writes them: a scan of the workspace every
 * {@code scanInterval} finds the files ffmpeg has finished ({@link OutputScan}) and uploads them, a few at
 * once; after ffmpeg exits, {@link #finish()} uploads the rest and then the playlists and manifests, so a
 * reader never sees a playlist that names a missing segment. Past the {@link OutputLimits} or on a failed
 * upload it stops ffmpeg (by interrupting the thread that runs it); {@link #discard()} deletes whatever this
 * attempt stored.
 */
final class OutputUploader {
  private static final Logger log = LoggerFactory.getLogger(OutputUploader.class);

  private final Storage storage;
  private final TaskId taskId;
  private final Path workspace;
  private final OutputNames names;
  private final OutputLimits limits;
  private final Duration scanInterval;
  private final ScheduledExecutorService scanner;
  private final ThreadPoolExecutor uploads;
  private final Map<String, Uploaded> uploaded = new ConcurrentHashMap<>();
  // Names submitted for upload (not yet known stored), and the uploads not yet awaited.
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();
  private final Queue<Future<?>> pending = new ConcurrentLinkedQueue<>();
  private final Object lock = new Object();
  private Map<String, OutputScan.Found> previous = Map.of(); // scanner thread only
  private Thread ffmpegThread; // guarded by lock: interrupted to stop ffmpeg while it runs
  private volatile TaskFailureException failure;

  private record Uploaded(OutputScan.Found seen, StoredObject object) {}

  OutputUploader(Storage storage, TaskId taskId, Path workspace, OutputNames names, OutputLimits limits,
      int parallelUploads, Duration scanInterval) {
    this.storage = storage;
    this.taskId = taskId;
    this.workspace = workspace;
    this.names = names;
    this.limits = limits;
    this.scanInterval = scanInterval;
    this.scanner = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("ffq-outputs-" + taskId.value()));
    this.uploads = new ThreadPoolExecutor(parallelUploads, parallelUploads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), new NamedThreadFactory("ffq-upload-" + taskId.value()));
  }

  /** Makes the declared folders (and the folders of patterns) in the workspace: ffmpeg writes into them. */
  void prepare() throws IOException {
    for (OutputName n : names.all()) {
      if (!n.folder().isEmpty()) {
        Files.createDirectories(workspace.resolve(n.folder()));
      }
    }
  }

  /** Starts scanning; {@code ffmpeg} is the thread that runs ffmpeg, interrupted to stop it on a failure. */
  void start(Thread ffmpeg) {
    synchronized (lock) {
      ffmpegThread = ffmpeg;
    }
    long every = Math.max(1, scanInterval.toMillis());
    scanner.scheduleWithFixedDelay(this::scan, every, every, TimeUnit.MILLISECONDS);
  }

  /** Says ffmpeg has exited: from now on a failure no longer interrupts its thread. */
  void ffmpegExited() {
    synchronized (lock) {
      ffmpegThread = null;
    }
  }

  /** The failure that stopped this attempt's uploads (a limit, a failed upload), or {@code null}. */
  TaskFailureException failure() {
    return failure;
  }

  /** One look at the workspace, as the scanner takes every {@code scanInterval}; for tests that drive the steps. */
  void scanOnce() {
    scan();
  }

  private void scan() {
    if (failure != null) {
      return;
    }
    try {
      Map<String, OutputScan.Found> files = OutputScan.files(workspace, names);
      checkLimits(files);
      Set<String> finished = OutputScan.finished(files);
      for (OutputScan.Found f : files.values()) {
        // Finished, and unchanged since the last look: not a file ffmpeg still writes under its final name.
        if (finished.contains(f.name()) && f.sameAs(previous.get(f.name())) && !submitted.contains(f.name())) {
          submit(f);
        }
      }
      previous = files;
    } catch (TaskFailureException e) {
      fail(e);
    } catch (IOException | RuntimeException e) {
      fail(new TaskFailureException(ErrorKind.INTERNAL, "cannot read the outputs in the workspace: " + e, true, null, e));
    }
  }

  private void checkLimits(Map<String, OutputScan.Found> files) {
    long bytes = 0;
    for (OutputScan.Found f : files.values()) {
      bytes += f.size();
    }
    checkLimits(limits, files.size(), bytes);
  }

  /** Fails the attempt when {@code files} files of {@code bytes} in all are past {@code limits}. */
  static void checkLimits(OutputLimits limits, int files, long bytes) {
    if (files > limits.maxFiles()) {
      throw new TaskFailureException(ErrorKind.RESOURCES, "the task wrote more than " + limits.maxFiles()
          + " output files (MAX_OUTPUT_FILES); its outputs are removed", false);
    }
    if (bytes > limits.maxBytes()) {
      throw new TaskFailureException(ErrorKind.RESOURCES, "the task's outputs hold more than " + limits.maxBytes()
          + " bytes (MAX_OUTPUT_BYTES); its outputs are removed", false);
    }
  }


  private void submit(OutputScan.Found f) {
    submitted.add(f.name());
    pending.add(uploads.submit(() -> {
      try {
        StoredObject o = storage.store(taskId, f.name(), f.path());
        uploaded.put(f.name(), new Uploaded(f, o));
      } catch (TaskFailureException e) {
        fail(e);
        throw e;
      } catch (RuntimeException e) {
        fail(new TaskFailureException(ErrorKind.STORAGE, "output '" + f.name() + "': " + e.getMessage(), true, null, e));
        throw e;
      }
    }));
  }

  private void fail(TaskFailureException e) {
    synchronized (lock) {
      if (failure == null) {
        failure = e;
        log.debug("task {}: stopping its outputs: {}", taskId, e.getMessage());
        if (ffmpegThread != null) {
          ffmpegThread.interrupt();
        }
      }
    }
  }

  /**
   * After ffmpeg succeeded: uploads what is left, the playlists and manifests last, and returns every stored
   * file of the folders and patterns, by name.
   *
   * @throws TaskFailureException when a declared folder or pattern has no file, a limit is passed or an upload failed
   */
  Map<String, TaskOutput> finish() throws IOException, InterruptedException {
    ffmpegExited();
    stopScanning();
    awaitPending();
    throwFailure();
    Map<String, OutputScan.Found> files = OutputScan.files(workspace, names);
    checkLimits(files);
    checkNothingMissing(files);
    List<OutputScan.Found> playlists = new ArrayList<>();
    for (OutputScan.Found f : files.values()) {
      if (OutputScan.isPlaylist(f.name())) {
        playlists.add(f);
      } else {
        Uploaded u = uploaded.get(f.name());
        if (u == null || !u.seen().sameAs(f)) {
          submit(f);
        }
      }
    }
    awaitPending();
    throwFailure();
    for (OutputScan.Found f : playlists) {
      submit(f);
    }
    awaitPending();
    throwFailure();
    uploads.shutdown();
    Map<String, TaskOutput> outputs = new TreeMap<>();
    for (OutputScan.Found f : files.values()) {
      StoredObject o = uploaded.get(f.name()).object();
      outputs.put(f.name(), new TaskOutput(f.name(), o.uri(), o.size(), o.contentType(), o.checksum(), o.downloadUrl(), null));
    }
    return outputs;
  }

  private void checkNothingMissing(Map<String, OutputScan.Found> files) {
    Map<String, Integer> counts = new HashMap<>();
    for (OutputScan.Found f : files.values()) {
      OutputName owner = names.covering(f.name());
      counts.merge(owner.name(), 1, Integer::sum);
    }
    for (OutputName n : names.all()) {
      if (n.kind() != OutputName.Kind.FILE && !counts.containsKey(n.name())) {
        throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "ffmpeg exited successfully but wrote no file "
            + (n.kind() == OutputName.Kind.FOLDER ? "in the declared folder '" : "matching the declared pattern '")
            + n.name() + "'", false);
      }
      if (n.kind() == OutputName.Kind.FILE && !n.isBareFile()) {
        OutputScan.Found f = files.get(n.name());
        if (f == null || f.size() == 0) {
          throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "ffmpeg exited successfully but the declared output '"
              + n.name() + "' " + (f == null ? "was not written" : "is empty"), false);
        }
      }
    }
  }

  /** After a failure or a stop: stops scanning and uploading, and deletes every file this attempt stored. */
  void discard() {
    ffmpegExited();
    stopScanning();
    uploads.shutdownNow();
    boolean interrupted = false;
    try {
      while (!uploads.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("task {}: still waiting for an output upload to stop", taskId);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    for (String name : uploaded.keySet()) {
      try {
        storage.delete(taskId, name);
      } catch (IOException | RuntimeException e) {
        log.warn("task {}: cannot delete the stored output '{}' of a failed attempt: {}", taskId, name, e.toString());
      }
    }
    uploaded.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopScanning() {
    scanner.shutdownNow();
    try {
      scanner.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for every submitted upload (only this thread submits once the scanner has stopped). */
  private void awaitPending() throws InterruptedException {
    for (Future<?> f = pending.poll(); f != null; f = pending.poll()) {
      try {
        f.get();
      } catch (ExecutionException e) {
        // recorded as the failure by the upload itself
      }
    }
  }

  private void throwFailure() {
    if (failure != null) {
      throw failure;
    }
  }
}
