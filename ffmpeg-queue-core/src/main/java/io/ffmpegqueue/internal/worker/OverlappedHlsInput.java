package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InputFolders;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ffmpeg on an HLS folder input ({@code -i hls/index.m3u8} with the input {@code "hls/"} from
 * {@code task://A/hls/}) while its segments still arrive, so that the task takes about the longer of the fetch
 * and the encode instead of their sum. The playlists come first, to their places in the folder, unchanged, and
 * the init sections with them; {@link HlsPlan} reads them. Each segment's place is then a named pipe, ffmpeg
 * starts (the runner checks the playlists as always: they are the stored ones), the segments are fetched in the
 * order ffmpeg reads them into hidden files of the workspace, and a {@link SegmentFeed} per media playlist passes
 * each one into its pipe when ffmpeg opens it. ffmpeg reads a plain VOD playlist from its first segment, so its
 * output is the one it makes from the whole folder.
 *
 * <p>A folder the plan cannot serve (byte ranges, encryption, a live playlist, see {@link HlsPlan}) is fetched
 * whole before ffmpeg starts, as without this class; the reason is logged. A segment that cannot be fetched
 * stops ffmpeg, and the task fails with the fetch's error; stopping the task stops both; every thread is joined
 * before {@link #run} returns, and the pipeline removes the workspace. Only tasks whose one input is the folder,
 * read by one {@code -i} and named nowhere else, qualify.
 */
final class OverlappedHlsInput {
  private static final Logger log = LoggerFactory.getLogger(OverlappedHlsInput.class);
  // ffmpeg would open a segment out of its turn.
  private static final Set<String> SEEKING_OPTIONS = Set.of("ss", "sseof", "stream_loop");
  private static final int MKFIFO_BATCH = 256;

  private final FfmpegJob job;
  private final String name;
  private final URI uri;
  private final String entry;
  private final TaskOutputFetcher fetcher;

  private OverlappedHlsInput(FfmpegJob job, String name, URI uri, String entry, TaskOutputFetcher fetcher) {
    this.job = job;
    this.name = name;
    this.uri = uri;
    this.entry = entry;
    this.fetcher = fetcher;
  }

  /** The overlapped run of {@code job}, or {@code null} when it does not qualify (see the class comment). */
  static OverlappedHlsInput of(FfmpegJob job, Map<String, URI> inputs, Fetchers fetchers) {
    if (inputs.size() != 1) {
      return null;
    }
    Map.Entry<String, URI> input = inputs.entrySet().iterator().next();
    String name = input.getKey();
    InputFetcher fetcher = fetchers.forUri(input.getValue());
    if (!InputFolders.isFolder(name) || !(fetcher instanceof TaskOutputFetcher taskOutputs)) {
      return null;
    }
    FfmpegCommand command = job.command();
    List<FfmpegCommand.Input> readers = command.inputs().stream().filter(i -> i.url().startsWith(name)).toList();
    long mentions = command.arguments().stream().filter(a -> a.contains(name)).count();
    if (readers.size() != 1 || mentions != 1 || command.logHidesDurations()) {
      return null;
    }
    FfmpegCommand.Input reader = readers.get(0);
    if (InputFolders.containing(List.of(name), reader.url()) == null
        || (reader.format() != null && !reader.format().equals("hls"))
        || reader.options().stream().anyMatch(o -> SEEKING_OPTIONS.contains(o.name()))) {
      return null;
    }
    return new OverlappedHlsInput(job, name, input.getValue(), reader.url().substring(name.length()), taskOutputs);
  }

  /**
   * Fetches the folder and runs ffmpeg, overlapped where the playlists allow.
   *
   * @return ffmpeg's result, or {@code null} when the task was stopped before ffmpeg started
   */
  FfmpegResult run(FfmpegRunner runner, WorkerCounters counters) throws InterruptedException, IOException {
    TaskContext context = job.context();
    String taskId = context.task().id().value();
    Path folder = job.workspace().resolve(name).toAbsolutePath().normalize();
    FetchRequest request = new FetchRequest(name, uri, folder, context);
    Map<String, TaskOutputFetcher.FolderFile> files = new HashMap<>();
    fetcher.folderFiles(request).forEach(f -> files.put(f.path(), f));
    long[] fetched = {0};
    HlsPlan plan = HlsPlan.read(entry, files.keySet(), path -> {
      TaskOutputFetcher.FolderFile f = files.get(path);
      if (f.output().size() > HlsPlan.MAX_PLAYLIST_BYTES) {
        return null;
      }
      Path file = folder.resolve(path);
      Files.createDirectories(file.getParent());
      fetcher.copyFile(request, f, file);
      fetched[0] += f.output().size();
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    });
    String why = plan.fallback();
    if (why == null) {
      for (String init : plan.initSections()) {
        Path file = folder.resolve(init);
        Files.createDirectories(file.getParent());
        fetcher.copyFile(request, files.get(init), file);
        fetched[0] += files.get(init).output().size();
      }
      why = makePipes(folder, plan);
    }
    if (why != null) {
      log.info("task {}: input '{}': {}: ffmpeg starts when the whole folder is here", taskId, name, why);
      Workspaces.delete(folder);
      fetcher.fetch(request);
      if (context.isStopped()) {
        return null;
      }
      files.values().forEach(f -> counters.addFetched(f.output().size()));
      return runner.run(job);
    }
    counters.addFetched(fetched[0]);
    log.info("task {}: input '{}': ffmpeg starts on {} playlist(s) and reads their {} segments as they arrive",
        taskId, name, plan.playlists().size(), plan.order().size());
    return overlapped(runner, counters, plan, files, folder, taskId);
  }

  private FfmpegResult overlapped(FfmpegRunner runner, WorkerCounters counters, HlsPlan plan,
      Map<String, TaskOutputFetcher.FolderFile> files, Path folder, String taskId) throws IOException {
    TaskContext context = job.context();
    Path staging = Files.createDirectories(job.workspace().resolve(".ffq-segments-" + taskId));
    InputFetchScope scope = new InputFetchScope(context);
    SegmentArrivals arrivals = new SegmentArrivals(plan.order().size());
    Thread fetch = new Thread(() -> fetchSegments(plan, files, staging, scope, arrivals, counters),
        "ffq-input-fetch-" + taskId);
    fetch.setDaemon(true);
    List<SegmentFeed> feeds = new ArrayList<>();
    for (int lane = 0; lane < plan.lanes().size(); lane++) {
      feeds.add(new SegmentFeed(plan.lanes().get(lane), folder, i -> staging.resolve(Integer.toString(i)), arrivals,
          taskId, lane));
    }
    fetch.start();
    // A stop also reaches a fetch that waits inside the storage, not only one between two buffers.
    Subscription interrupt = scope.onStop(fetch::interrupt);
    feeds.forEach(SegmentFeed::start);
    try {
      FfmpegJob overlapped = new FfmpegJob(job.command(), job.workspace(), job.inputs(), job.outputs(), scope);
      return OverlappedRun.run(runner, overlapped, context, arrivals::failure);
    } finally {
      scope.abort(); // ffmpeg is done (or never started): segments still on their way are not needed
      feeds.forEach(SegmentFeed::close);
      OverlappedRun.join(fetch, scope);
      interrupt.close();
    }
  }

  /** The fetch, on its own thread, in the plan's order: its failure stops ffmpeg through the shared scope. */
  private void fetchSegments(HlsPlan plan, Map<String, TaskOutputFetcher.FolderFile> files, Path staging,
      InputFetchScope scope, SegmentArrivals arrivals, WorkerCounters counters) {
    FetchRequest request = new FetchRequest(name, uri, staging, scope);
    HlsPlan.Segment current = null;
    try {
      for (HlsPlan.Segment s : plan.order()) {
        current = s;
        TaskOutputFetcher.FolderFile f = files.get(s.path());
        fetcher.copyFile(request, f, staging.resolve(Integer.toString(s.index())));
        counters.addFetched(f.output().size());
        arrivals.arrived(s.index());
      }
    } catch (IOException e) {
      arrivals.failed(new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': cannot copy '"
          + current.path() + "' of the folder from the storage: " + e.getMessage(), true, null, e));
      scope.abort();
    } catch (RuntimeException e) {
      arrivals.failed(e); // first, so that whoever sees ffmpeg stop also sees why
      scope.abort();
    }
  }

  /** Makes a named pipe at each segment's place; the reason to fetch the folder whole where that fails. */
  private static String makePipes(Path folder, HlsPlan plan) throws IOException, InterruptedException {
    List<HlsPlan.Segment> all = plan.order();
    for (int from = 0; from < all.size(); from += MKFIFO_BATCH) {
      List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
      for (HlsPlan.Segment s : all.subList(from, Math.min(all.size(), from + MKFIFO_BATCH))) {
        Path pipe = folder.resolve(s.path());
        Files.createDirectories(pipe.getParent());
        command.add(pipe.toString());
      }
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
          return "mkfifo failed (" + out + ")";
        }
      } catch (IOException e) {
        return "cannot run mkfifo (" + e + ")";
      }
    }
    return null;
  }
}
