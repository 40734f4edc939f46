package io.ffmpegqueue.examples.hostapp;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host application's own code, the kind the testing kit is for: it asks the queue for a video's
 * thumbnail and remembers where the thumbnail went, or why there is none.
 */
// sample:host-app-service
final class ThumbnailService {
  private final FfmpegQueueClient queue;
  private final Map<TaskId, URI> thumbnails = new ConcurrentHashMap<>();
  private final Map<TaskId, String> problems = new ConcurrentHashMap<>();

  ThumbnailService(FfmpegQueueClient queue) {
    this.queue = queue;
    queue.subscribe(TaskEvent.Type.COMPLETED, e -> thumbnails.put(e.taskId(), e.task().outputs().get(0).uri()));
    queue.subscribe(TaskEvent.Type.FAILED, e -> problems.put(e.taskId(), e.task().errorMessage()));
  }

  /** Asks for a JPEG of the frame at {@code second} of the video at {@code videoUrl}. */
  TaskId requestThumbnail(String videoUrl, int second) {
    return queue.submit(TaskRequest.builder()
        .command("-ss " + second + " -i video.mp4 -frames:v 1 thumb.jpg")
        .input("video.mp4", URI.create(videoUrl))
        .output("thumb.jpg")
        .build()).id();
  }

  Optional<URI> thumbnailOf(TaskId id) {
    return Optional.ofNullable(thumbnails.get(id));
  }

  Optional<String> problemOf(TaskId id) {
    return Optional.ofNullable(problems.get(id));
  }
}
// end-sample
