package io.ffmpegqueue.internal.split;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Split;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskOutputRef;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.SplitCheck;
import io.ffmpegqueue.ffmpeg.SplitCommand;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.internal.worker.AwaitTasks;
import io.ffmpegqueue.internal.worker.Workspaces;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskContinuations;
import io.ffmpegqueue.spi.TaskHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a task with {@link io.ffmpegqueue.TaskRequest#split() split} as parts on the task graph, in two runs of
 * the task. First run: fetch the input, probe it, plan the parts; an input shorter than twice the segment runs
 * in one piece (the handler it wraps), else the parts are enqueued ({@link SplitParts}) and the task ends its
 * attempt waiting for them ({@link AwaitTasks}). Second run, once every part has completed: fetch their outputs
 * ({@code task://}), stitch them and store the task's one output; or, when a part failed for good (the graph
 * readies the task at once then), cancel the other parts and fail with that part's error. Tasks without split,
 * and every task on a backend that is not {@link TaskContinuations}, go to the wrapped handler as they are.
 */
public final class SplitRunner implements TaskHandler {
  private final TaskHandler next;
  private final QueueBackend backend;
  private final SplitParts parts;
  private final Fetchers fetchers;
  private final FfmpegRunner runner;
  private final FfmpegRunner stitchRunner;
  private final Storage storage;
  private final Workspaces workspaces;
  private final Consumer<TaskId> cancel;

  /**
   * A runner that passes unsplit tasks to {@code next}. {@code stitchRunner} runs the stitch, whose input is a
   * concat list: its policy must allow the {@code concat} input format. {@code cancel} cancels a task as the
   * queue's client does (the parts of a task that fails).
   */
  public SplitRunner(TaskHandler next, QueueBackend backend, SplitParts parts, Fetchers fetchers, FfmpegRunner runner,
      FfmpegRunner stitchRunner, Storage storage, Workspaces workspaces, Consumer<TaskId> cancel) {
    this.next = next;
    this.backend = backend;
    this.parts = parts;
    this.fetchers = fetchers;
    this.runner = runner;
    this.stitchRunner = stitchRunner;
    this.storage = storage;
    this.workspaces = workspaces;
    this.cancel = cancel;
  }

  @Override
  public List<TaskOutput> handle(TaskContext context) throws Exception {
    Task t = context.task();
    Split split = t.request().split();
    if (split == null || t.request().isJoin() || TaskContinuations.of(backend).isEmpty()) {
      return next.handle(context);
    }
    PartCommands commands = new PartCommands(SplitCheck.check(FfmpegCommand.parse(t.request().command())));
    List<Task> mine = parts.of(t);
    if (!mine.isEmpty()) {
      return stitch(context, commands, mine);
    }
    SplitPlan plan = plan(context, commands, split);
    if (plan == null || !plan.split()) {
      return plan == null ? List.of() : next.handle(context); // stopped, or too short to split
    }
    boolean audio = commands.command().audio() && plan.source().audio();
    throw new AwaitTasks(parts.enqueue(t, commands, plan, audio));
  }

  /** Fetches the input and probes it; {@code null} when the task was stopped meanwhile. */
  private SplitPlan plan(TaskContext context, PartCommands commands, Split split) throws IOException {
    Map<String, URI> inputs = context.task().request().inputs();
    Path ws = workspaces.create(context);
    try {
      for (Map.Entry<String, URI> in : inputs.entrySet()) {
        fetch(context, ws, in.getKey(), in.getValue());
      }
      if (context.isStopped()) {
        return null;
      }
      runner.run(new FfmpegJob(commands.probe(), ws, List.copyOf(inputs.keySet()),
          List.of(PartCommands.PROBE_OUTPUT), context));
      SourceMedia source;
      try {
        source = SourceMedia.parse(Files.readString(ws.resolve(PartCommands.PROBE_OUTPUT)));
      } catch (IllegalArgumentException e) {
        throw new TaskFailureException(ErrorKind.INPUT, "cannot split the input: " + e.getMessage(), false);
      }
      return context.isStopped() ? null : SplitPlan.of(source, split.segmentSeconds());
    } finally {
      Workspaces.delete(ws);
    }
  }

  /** The second run: every part has completed (joins their outputs into the task's output), or one failed. */
  private List<TaskOutput> stitch(TaskContext context, PartCommands commands, List<Task> mine)
      throws IOException, AwaitTasks {
    List<Task> video = SplitParts.video(mine);
    Optional<Task> failed = SplitParts.failed(mine);
    Optional<TaskAdmin> admin = backend.admin();
    if (failed.isPresent() && admin.isPresent() && retriedByHand(admin.get(), context.task(), failed.get())) {
      // The part's failure already ended the task, and someone retried the task: the parts that did not complete
      // run again as new attempt series, and the task waits for them as it did the first time.
      List<TaskId> again = mine.stream().filter(p -> p.status() == TaskStatus.FAILED
          || p.status() == TaskStatus.CANCELLED).map(Task::id).toList();
      again.forEach(id -> admin.get().retry(id));
      throw new AwaitTasks(again);
    }
    if (failed.isPresent()) { // one part failed for good: the task fails with its error, and its other parts stop
      mine.stream().filter(p -> !p.status().isFinal()).forEach(p -> cancel.accept(p.id()));
      throw SplitParts.failure(failed.get(), video.size());
    }
    Optional<Task> audio = SplitParts.audio(mine);
    Path ws = workspaces.create(context);
    try {
      List<Double> durations = new ArrayList<>();
      for (int i = 0; i < video.size(); i++) {
        Task p = video.get(i);
        String name = commands.partName(Integer.parseInt(SplitParts.place(p)));
        fetch(context, ws, commands.partName(i), TaskOutputRef.of(p.id(), name).uri());
        durations.add(Double.parseDouble(p.request().metadata().get(SplitParts.DURATION)));
      }
      if (audio.isPresent()) {
        fetch(context, ws, commands.audioName(), TaskOutputRef.of(audio.get().id(), commands.audioName()).uri());
      }
      if (context.isStopped()) {
        return List.of();
      }
      Files.writeString(ws.resolve(PartCommands.CONCAT_LIST), commands.concatList(durations));
      double videoStart = Double.parseDouble(video.get(0).request().metadata().get(SplitParts.VIDEO_START));
      String out = commands.command().outputUrl();
      FfmpegResult result = stitchRunner.run(new FfmpegJob(commands.stitch(videoStart, audio.isPresent()), ws,
          commands.stitchInputs(video.size(), audio.isPresent()), List.of(out), context));
      Path file = ws.resolve(out);
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "the stitch did not write '" + out + "'", false);
      }
      StoredObject o = storage.store(context.task().id(), out, file);
      return List.of(new TaskOutput(out, o.uri(), o.size(), o.contentType(), o.checksum(), o.downloadUrl(),
          result.media().get(out)));
    } finally {
      Workspaces.delete(ws);
    }
  }

  /** Whether a series of {@code task} ended after {@code part} failed: its failure was reported already. */
  private static boolean retriedByHand(TaskAdmin admin, Task task, Task part) {
    Instant partEnded = part.finishedAt() != null ? part.finishedAt() : part.createdAt();
    return admin.history(task.id()).stream().anyMatch(series -> !series.finishedAt().isBefore(partEnded));
  }

  private void fetch(TaskContext context, Path ws, String name, URI uri) throws IOException {
    if (context.isStopped()) {
      return;
    }
    InputFetcher fetcher = fetchers.forUri(uri);
    if (fetcher == null) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': no fetcher for " + uri.getScheme(), false);
    }
    fetcher.fetch(new FetchRequest(name, uri, ws.resolve(name), context));
  }
}
