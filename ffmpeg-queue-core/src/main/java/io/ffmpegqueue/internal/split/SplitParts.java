package io.ffmpegqueue.internal.split;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.spi.QueueBackend;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part tasks of a split task T: ordinary tasks, one per video part and one for the audio, that take T's input
 * by its URL. Each carries {@value #SPLIT_OF} = T's id in its metadata (with its place and duration), and an
 * idempotency key made of T's id and its place, so that a retried T finds the parts it enqueued before instead
 * of enqueuing them twice.
 */
public final class SplitParts {
  /** The metadata key that links a part to its split task. */
  public static final String SPLIT_OF = "split_of";
  /** The metadata key of a part's place: the video part's index, or {@value #AUDIO}. */
  public static final String PART = "split_part";
  /** The metadata key of a video part's duration in seconds (for the stitch's concat list). */
  public static final String DURATION = "split_duration";
  /** The metadata key of where a video part's first frame stands in the input, in seconds. */
  public static final String START = "split_start";
  /** The metadata key of where the video's first frame stands in the input, in seconds. */
  public static final String VIDEO_START = "split_video_start";
  /** The place of the audio part. */
  public static final String AUDIO = "audio";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%^-]+");

  private final QueueBackend backend;
  private final InstantSource clock;

  /** Parts stored in {@code backend}. */
  public SplitParts(QueueBackend backend, InstantSource clock) {
    this.backend = backend;
    this.clock = clock;
  }

  /** Enqueues (or finds, when T ran before) the parts of {@code plan} for task {@code t}; their ids in part order, audio last. */
  List<TaskId> enqueue(Task t, PartCommands commands, SplitPlan plan, boolean audio) {
    TaskId[] video = new TaskId[plan.parts().size()];
    String videoStart = String.format(Locale.ROOT, "%.6f", plan.source().seconds(0));
    // Stored largest first: workers claim in enqueue order, and the costly parts must not come last.
    for (SplitPlan.Part p : plan.largestFirst()) {
      TaskRequest.Builder r = part(t, commands.part(p), commands.partName(p.index()), Integer.toString(p.index()))
          .metadata(DURATION, String.format(Locale.ROOT, "%.6f", p.durationSeconds()))
          .metadata(START, String.format(Locale.ROOT, "%.6f", plan.source().seconds(p.firstFrame())))
          .metadata(VIDEO_START, videoStart);
      video[p.index()] = store(r.build());
    }
    List<TaskId> ids = new ArrayList<>(List.of(video));
    if (audio) {
      ids.add(store(part(t, commands.audio(), commands.audioName(), AUDIO).build()));
    }
    return ids;
  }

  /** The parts of {@code t} among the tasks it waits for: empty before its first run split it. */
  List<Task> of(Task t) {
    return of(backend, t);
  }

  /** The parts of split task {@code t} stored in {@code backend}, as they are now (empty before it split). */
  public static List<Task> of(QueueBackend backend, Task t) {
    List<Task> parts = new ArrayList<>();
    for (TaskId id : t.dependsOn()) {
      Optional<Task> p = backend.find(id);
      if (p.isPresent() && t.id().value().equals(p.get().request().metadata().get(SPLIT_OF))) {
        parts.add(p.get());
      }
    }
    return parts;
  }

  /** The video parts of {@code parts}, in order. */
  static List<Task> video(List<Task> parts) {
    return parts.stream().filter(p -> !AUDIO.equals(place(p)))
        .sorted(Comparator.comparingInt(p -> Integer.parseInt(place(p)))).toList();
  }

  /** The audio part of {@code parts}, if any. */
  static Optional<Task> audio(List<Task> parts) {
    return parts.stream().filter(p -> AUDIO.equals(place(p))).findFirst();
  }

  /** The first part of {@code parts} that ended FAILED, else the first that was CANCELLED, if any. */
  static Optional<Task> failed(List<Task> parts) {
    Optional<Task> failed = parts.stream().filter(p -> p.status() == TaskStatus.FAILED).findFirst();
    return failed.isPresent() ? failed : parts.stream().filter(p -> p.status() == TaskStatus.CANCELLED).findFirst();
  }

  /**
   * The failure of a split task whose part {@code part} ended FAILED or CANCELLED: the part's error kind, stderr
   * and message, with which part it was (its place, its time range in the input, its task), out of {@code video}
   * video parts.
   */
  static TaskFailureException failure(Task part, int video) {
    TaskError e = part.error();
    Map<String, String> m = part.request().metadata();
    String which;
    if (AUDIO.equals(place(part))) {
      which = "the audio part (task " + part.id() + ")";
    } else {
      double start = Double.parseDouble(m.getOrDefault(START, "NaN"));
      double end = start + Double.parseDouble(m.get(DURATION));
      which = String.format(Locale.ROOT, "part %d of %d (%.3f s to %.3f s of the input, task %s)",
          Integer.parseInt(place(part)) + 1, video, start, end, part.id());
    }
    String how = part.status() == TaskStatus.FAILED ? " failed" : " was cancelled";
    return new TaskFailureException(e == null ? ErrorKind.INTERNAL : e.kind(),
        which + how + (e == null ? "" : ": " + e.message()), false, e == null ? null : e.stderrTail(), null);
  }

  static String place(Task part) {
    return part.request().metadata().get(PART);
  }

  private TaskRequest.Builder part(Task t, FfmpegCommand command, String output, String place) {
    TaskRequest tr = t.request();
    TaskRequest.Builder r = TaskRequest.builder()
        .command(text(command))
        .output(output)
        .priority(tr.priority())
        .maxAttempts(tr.maxAttempts())
        .timeout(tr.timeout())
        .tenant(tr.tenant())
        .idempotencyKey("split:" + t.id().value() + ":" + place)
        .metadata(SPLIT_OF, t.id().value())
        .metadata(PART, place);
    for (Map.Entry<String, java.net.URI> in : tr.inputs().entrySet()) {
      r.input(in.getKey(), in.getValue());
    }
    return r;
  }

  private TaskId store(TaskRequest r) {
    return backend.enqueue(Task.pending(TaskId.random(), r, clock.instant())).task().id();
  }

  /** The command as text that {@link FfmpegCommand#parse} reads back to the same arguments. */
  static String text(FfmpegCommand command) {
    List<String> words = new ArrayList<>();
    for (String a : command.arguments()) {
      words.add(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return String.join(" ", words);
  }
}
