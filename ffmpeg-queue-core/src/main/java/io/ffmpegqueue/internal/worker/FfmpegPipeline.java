package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Fetchers fetchers;
  private final FfmpegRunner runner;
  private final Storage storage;
  private final Workspaces workspaces;
  private final ExecutorService fetchExecutor;
  private final WorkerCounters counters;

  /**
   * A pipeline over the given parts; {@code fetchExecutor} runs the downloads of tasks with several inputs,
   * and the size of every fetched input is added to {@code counters}.
   */
  public FfmpegPipeline(Fetchers fetchers, FfmpegRunner runner, Storage storage,
      Workspaces workspaces, ExecutorService fetchExecutor, WorkerCounters counters) {
    this.counters = counters;
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
    try {
      FfmpegJob job = new FfmpegJob(FfmpegCommand.parse(request.command()), workspace,
          List.copyOf(request.inputs().keySet()), request.outputs(), context);
      OverlappedInput overlapped = OverlappedInput.of(job, request.inputs(), fetchers);
      FfmpegResult result;
      if (overlapped != null) {
        result = overlapped.run(runner, counters); // ffmpeg starts while the input downloads, where it can
        if (result == null) {
          return List.of();
        }
      } else {
        fetchInputs(context, workspace);
        if (context.isStopped()) {
          return List.of();
        }
        result = runner.run(job);
      }
      List<TaskOutput> outputs = new ArrayList<>(request.outputs().size());
      for (String name : request.outputs()) {
        Path file = workspace.resolve(name);
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
          throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "ffmpeg finished but output '" + name + "' "
              + (Files.exists(file) ? "is empty" : "was not written"), false);
        }
      }
      for (String name : request.outputs()) {
        if (context.isStopped()) {
          return List.of();
        }
        StoredObject o = storage.store(task.id(), name, workspace.resolve(name));
        outputs.add(new TaskOutput(name, o.uri(), o.size(), o.contentType(), o.checksum(), o.downloadUrl(),
            result.media().get(name)));
      }
      return outputs;
    } finally {
      Workspaces.delete(workspace);
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
