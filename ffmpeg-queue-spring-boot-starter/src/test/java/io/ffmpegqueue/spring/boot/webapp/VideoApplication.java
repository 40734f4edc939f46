package io.ffmpegqueue.spring.boot.webapp;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskRequest;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A host application: its own controller registers a thumbnail task on the auto-configured queue. */
@SpringBootApplication
public class VideoApplication {
  /** The controller that the README's Spring Boot sample shows. */
  @RestController
  static class ThumbnailController {
    private final FfmpegQueue queue;  // auto-configured from ffmpeg.queue.*
    private final Path uploads;

    ThumbnailController(FfmpegQueue queue, @Value("${app.uploads}") Path uploads) {
      this.queue = queue;
      this.uploads = uploads;
    }

    // sample:spring-controller
    @PostMapping("/videos/{name}/thumbnail")
    String thumbnail(@PathVariable String name) {
      return queue.submit(TaskRequest.builder()
          .command("-i input.mp4 -vf thumbnail,scale=320:-2 -frames:v 1 thumb.jpg")
          .input("input.mp4", uploads.resolve(name).toUri())
          .output("thumb.jpg")
          .build()).id().toString();  // the task id: poll queue.find(...) or listen for events
    }
    // end-sample
  }
}
