package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.OutputNames;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The default task handler: make a private workspace, fetch the inputs (in parallel), run ffmpeg there,
 * store the outputs, and always remove the workspace.
 */
public final class FfmpegPipeline implements TaskHandler {
  private static final int UPLOADS_PER_TASK = 4;
  private static final Duration SCAN_INTERVAL = Duration.ofMillis(200);
  private final Fetchers fetchers;
  private final FfmpegRunner runner;
  private final Storage storage;
  private final Workspaces workspaces;
  private final ExecutorService fetchExecutor;
  private final WorkerCounters counters;
  private final OutputLimits outputLimits;

  /**
   * A pipeline over the given parts; {@code fetchExecutor} runs the downloads of tasks with several inputs,
   * the size of every fetched input is added to {@code counters}, and folder and pattern outputs are
   * stored while ffmpeg writes them, within {@code outputLimits}.
   */
  public FfmpegPipeline(Fetchers fetchers, FfmpegRunner runner, Storage storage,
      Workspaces workspaces, ExecutorService fetchExecutor, WorkerCounters counters, OutputLimits outputLimits) {
    this.counters = counters;
    this.outputLimits = outputLimits;
    this.fetchers = fetchers;
    this.runner = runner;
    this.storage = storage;
    this.workspaces = workspaces;
    this.fetchExecutor = fetchExecutor;
  }

  @Override
  public List<TaskOutput> handle(TaskContext context) throws Exception {
    Task task = context.task();
    TaskRequest request = task.request();
    Path workspace = workspaces.create(context);
    OutputNames names = OutputNames.of(request.outputs());
    OutputUploader media = names.hasMedia()
        ? new OutputUploader(storage, task.id(), workspace, names, outputLimits, UPLOADS_PER_TASK, SCAN_INTERVAL) : null;
    boolean stored = false;
    try {
      FfmpegJob job = new FfmpegJob(FfmpegCommand.parse(request.command()), workspace,
          List.copyOf(request.inputs().keySet()), request.outputs(), context);
      boolean overlap = runner.readsGrowingInputs();
      OverlappedInput overlapped = overlap ? OverlappedInput.of(job, request.inputs(), fetchers) : null;
      OverlappedHlsInput hls =
          overlap && overlapped == null ? OverlappedHlsInput.of(job, request.inputs(), fetchers) : null;
      if (overlapped == null && hls == null) {
        fetchInputs(context, workspace);
        if (context.isStopped()) {
          return List.of();
        }
      }
      if (media != null) {
        media.prepare();
        media.start(Thread.currentThread());
      }
      FfmpegResult result;
      try {
        // With an overlapped input (a file or an HLS folder), ffmpeg starts while the input downloads (null: the
        // attempt was stopped).
        result = overlapped != null ? overlapped.run(runner, counters)
            : hls != null ? hls.run(runner, counters) : runner.run(job);
      } finally {
        if (media != null) {
          media.ffmpegExited();
        }
      }
      if (result == null) {
        return List.of();
      }
      Map<String, TaskOutput> files = media == null ? Map.of() : media.finish();
      List<TaskOutput> outputs = new ArrayList<>(request.outputs().size() + files.size());
      Set<String> added = new HashSet<>();
      // The limits hold for every output together: the plain files as well as the folders' and patterns'.
      int count = files.size();
      long bytes = files.values().stream().mapToLong(TaskOutput::size).sum();
      for (String name : request.outputs()) {
        if (!TaskRequest.isValidFileName(name)) {
          continue;
        }
        Path file = workspace.resolve(name);
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
          throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "ffmpeg finished but output '" + name + "' "
              + (Files.exists(file) ? "is empty" : "was not written"), false);
        }
        count++;
        bytes += Files.size(file);
      }
      OutputUploader.checkLimits(outputLimits, count, bytes);
      for (String name : request.outputs()) {
        if (context.isStopped()) {
          return List.of();
        }
        if (!TaskRequest.isValidFileName(name)) {
          addStored(names.all().get(request.outputs().indexOf(name)), files, outputs, added);
          continue;
        }
        StoredObject o = storage.store(task.id(), name, workspace.resolve(name));
        outputs.add(new TaskOutput(name, o.uri(), o.size(), o.contentType(), o.checksum(), o.downloadUrl(),
            result.media().get(name)));
      }
      stored = true;
      return outputs;
    } catch (Exception e) {
      if (media != null && media.failure() != null) {
        Thread.interrupted(); // the uploader stopped ffmpeg by interrupting this thread; its failure is the cause
        throw media.failure();
      }
      throw e;
    } finally {
      if (media != null && !stored) {
        media.discard();
      }
      Workspaces.delete(workspace);
    }
  }

  /** Adds the stored files of one declared folder, pattern or file in a folder, in name order, each once. */
  private static void addStored(OutputName declared, Map<String, TaskOutput> files, List<TaskOutput> outputs,
      Set<String> added) {
    for (TaskOutput o : files.values()) {
      if (declared.covers(o.name()) && added.add(o.name())) {
        outputs.add(o);
      }
    }
  }

  private void fetchInputs(TaskContext context, Path workspace) throws Exception {
    Map<String, URI> inputs = context.task().request().inputs();
    if (inputs.size() == 1) {
      Map.Entry<String, URI> e = inputs.entrySet().iterator().next();
      fetchOne(context, workspace, e.getKey(), e.getValue());
      return;
    }
    // The downloads run at once; the first to fail stops the others (their fetchers see a stop), and is the
    // failure reported.
    InputFetchScope scope = new InputFetchScope(context);
    CompletionService<Void> downloads = new ExecutorCompletionService<>(fetchExecutor);
    int started = 0;
    Exception first = null;
    for (Map.Entry<String, URI> e : inputs.entrySet()) {
      try {
        if (fetchExecutor.isShutdown()) {
          // A caller-runs executor drops work silently once shut down; its future would never complete.
          throw new RejectedExecutionException("the fetch executor is shut down");
        }
        downloads.submit(() -> {
          fetchOne(scope, workspace, e.getKey(), e.getValue());
          return null;
        });
        started++;
      } catch (RejectedExecutionException ex) {
        first = new TaskFailureException(ErrorKind.RESOURCES, "cannot start the download of input '" + e.getKey()
            + "': the worker is shutting down", true, null, ex);
        scope.abort();
        break;
      }
    }
    // Wait for every download, however this thread is interrupted: none may still write into the workspace
    // when it is removed.
    boolean interrupted = false;
    for (int done = 0; done < started; ) {
      try {
        downloads.take().get();
        done++;
      } catch (ExecutionException e) {
        done++;
        if (first == null) {
          first = e.getCause() instanceof Exception ex ? ex : e;
          scope.abort();
        }
      } catch (InterruptedException e) {
        interrupted = true;
        scope.abort();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }

  private void fetchOne(TaskContext context, Path workspace, String name, URI uri) throws IOException {
    if (context.isStopped()) {
      return;
    }
    InputFetcher fetcher = fetchers.forUri(uri);
    if (fetcher == null) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': no fetcher for " + uri.getScheme(), false);
    }
    Path target = workspace.resolve(name);
    fetcher.fetch(new FetchRequest(name, uri, target, context));
    if (Files.isRegularFile(target)) {
      counters.addFetched(Files.size(target));
    }
  }
}
