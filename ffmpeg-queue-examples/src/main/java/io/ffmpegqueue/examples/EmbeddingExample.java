package io.ffmpegqueue.examples;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.nio.file.Path;

/**
 * The README's embedding example, compiled here so that it stays true: a queue with two workers in the
 * host's own process, one task that scales a video from the {@code media} folder, and the result.
 *
 * <p>Run it from a folder with {@code media/video.mp4}; the output lands in
 * {@code ffmpeg-outputs/{task_id}/output.mp4}.
 */
public final class EmbeddingExample {
  private EmbeddingExample() {}

  /** Runs one task and prints its outcome. */
  public static void main(String[] args) {
    // sample:embedding
    Path media = Path.of("media");                          // the host's input videos
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .fetcher(FileInputFetcher.allowing(media))            // inputs only from this folder
        .storage(LocalStorage.at(Path.of("ffmpeg-outputs")))  // outputs in ffmpeg-outputs/{task_id}/
        .workers(2)
        .build()) {
      queue.subscribe(TaskEvent.Type.COMPLETED, e -> System.out.println("done: " + e.task().outputUrl()));
      Submission s = queue.submit(TaskRequest.builder()
          .command("-i input.mp4 -vf scale=320:-2 -c:v libx264 -preset veryfast output.mp4")
          .input("input.mp4", media.resolve("video.mp4").toUri())
          .output("output.mp4")
          .build());
      Task task = s.completion().join();    // or poll queue.find(s.id()), or just return s.id()
      System.out.println(task.status().wireName() + " " + task.outputUrl() + " " + task.errorMessage());
    }
    // end-sample
  }
}
