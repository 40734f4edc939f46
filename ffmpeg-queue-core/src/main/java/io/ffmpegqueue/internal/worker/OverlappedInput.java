package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.ProgressiveInputFetcher;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ffmpeg while its input still downloads, so that a task takes about the longer of the two instead of
 * their sum. The input downloads on a thread of its own into a hidden file of the workspace; once its head is
 * there, {@link InputLayout} tells whether ffmpeg can read it front to back. If so, a named pipe takes the
 * input's name, ffmpeg starts on it (in its sandbox, reading its workspace as always) and {@link InputFeed}
 * passes it each stretch that arrives; if not (an MP4 indexed at its end, an unknown container), ffmpeg
 * starts when the download is complete, as without this class. The choice is logged.
 *
 * <p>A download that fails stops ffmpeg, and the task fails with the download's error; stopping the task stops
 * both; every thread is joined before {@link #run} returns, and the workspace (pipe and partial download with
 * it) is removed by the pipeline. Only tasks with one input, named once in the command (by its {@code -i}),
 * qualify.
 */
final class OverlappedInput {
  private static final Logger log = LoggerFactory.getLogger(OverlappedInput.class);
  // ffmpeg must read such an input more than once, or from its end.
  private static final Set<String> SEEKING_OPTIONS = Set.of("stream_loop", "sseof");

  private final FfmpegJob job;
  private final String name;
  private final URI uri;
  private final ProgressiveInputFetcher fetcher;

  private OverlappedInput(FfmpegJob job, String name, URI uri, ProgressiveInputFetcher fetcher) {
    this.job = job;
    this.name = name;
    this.uri = uri;
    this.fetcher = fetcher;
  }

  /** The overlapped run of {@code job}, or {@code null} when it does not qualify (see the class comment). */
  static OverlappedInput of(FfmpegJob job, Map<String, URI> inputs, Fetchers fetchers) {
    if (inputs.size() != 1) {
      return null;
    }
    Map.Entry<String, URI> input = inputs.entrySet().iterator().next();
    InputFetcher fetcher = fetchers.forUri(input.getValue());
    if (!(fetcher instanceof ProgressiveInputFetcher progressive)) {
      return null;
    }
    String name = input.getKey();
    List<FfmpegCommand.Input> readers = job.command().inputs().stream()
        .filter(i -> i.url().equals(name) || i.url().equals("file:" + name)).toList();
    // Named anywhere else (a movie= or subtitles= filter), ffmpeg would open the pipe twice.
    long mentions = job.command().arguments().stream().filter(a -> a.contains(name)).count();
    if (readers.size() != 1 || mentions != 1
        || readers.get(0).options().stream().anyMatch(o -> SEEKING_OPTIONS.contains(o.name()))
        || job.command().logHidesDurations()) { // the runner would ask ffprobe for durations: it would read the pipe
      return null;
    }
    return new OverlappedInput(job, name, input.getValue(), progressive);
  }

  /**
   * Downloads the input and runs ffmpeg, overlapped where the input allows.
   *
   * @return ffmpeg's result, or {@code null} when the task was stopped before ffmpeg started
   */
  FfmpegResult run(FfmpegRunner runner, WorkerCounters counters) throws InterruptedException, IOException {
    TaskContext context = job.context();
    String taskId = context.task().id().value();
    Path target = job.workspace().resolve(name);
    Path download = target.resolveSibling(".ffq-download-" + target.getFileName());
    InputFetchScope scope = new InputFetchScope(context);
    GrowingInput input = new GrowingInput(name);
    Thread fetch = new Thread(() -> fetch(scope, input, download, counters), "ffq-input-fetch-" + taskId);
    fetch.setDaemon(true);
    fetch.start();
    InputFeed feed = null;
    try {
      InputLayout.Verdict layout = InputLayout.of(input);
      if (!layout.streamable() || input.isFinished() || !mkfifo(target, taskId)) {
        if (!input.isFinished()) {
          log.info("task {}: input '{}' is {}: ffmpeg starts when its download is complete", taskId, name, layout.what());
        }
        OverlappedRun.join(fetch, scope);
        RuntimeException failure = input.failure();
        if (failure != null) {
          throw failure;
        }
        if (context.isStopped()) {
          return null;
        }
        Files.move(download, target, StandardCopyOption.ATOMIC_MOVE);
        return runner.run(job);
      }
      log.info("task {}: input '{}' is {}: ffmpeg starts on its head and reads the rest as it arrives", taskId, name,
          layout.what());
      feed = new InputFeed(input, target, taskId);
      feed.start();
      FfmpegJob overlapped = new FfmpegJob(job.command(), job.workspace(), job.inputs(), job.outputs(), scope);
      return OverlappedRun.run(runner, overlapped, context, input::failure);
    } finally {
      if (feed != null) {
        feed.close();
      }
      scope.abort(); // ffmpeg is done (or never started): a download still running is not needed
      OverlappedRun.join(fetch, scope);
      input.close();
    }
  }

  /** The download, on its own thread: its failure stops ffmpeg through the shared scope. */
  private void fetch(InputFetchScope scope, GrowingInput input, Path download, WorkerCounters counters) {
    try {
      fetcher.fetch(new FetchRequest(name, uri, download, scope), input);
      long size = Files.size(download);
      counters.addFetched(size);
      input.finished(size);
    } catch (IOException e) {
      input.failed(new TaskFailureException(ErrorKind.RESOURCES, "input '" + name + "': cannot read the download: "
          + e.getMessage(), true, null, e));
      scope.abort();
    } catch (RuntimeException e) {
      input.failed(e); // first, so that whoever sees ffmpeg stop also sees why
      scope.abort();
    }
  }

  /** Makes the named pipe ffmpeg reads; false (and the input downloads whole first) where that fails. */
  private static boolean mkfifo(Path fifo, String taskId) throws InterruptedException {
    try {
      Process p = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0) {
        return true;
      }
      log.warn("task {}: mkfifo failed ({}): the input downloads whole before ffmpeg starts", taskId, out);
    } catch (IOException e) {
      log.warn("task {}: cannot run mkfifo ({}): the input downloads whole before ffmpeg starts", taskId, e.toString());
    }
    return false;
  }
}
