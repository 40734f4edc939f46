package io.ffmpegqueue.s3;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.StoredObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class ScratchIT {
  @TempDir Path tmp;

  @Test
  void scratch() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    try (S3ProxyServer s3 = S3ProxyServer.start(data); S3Client admin = s3.adminClient()) {
      admin.createBucket(b -> b.bucket("outputs"));
      byte[] big = new byte[40 << 20];
      new Random(1).nextBytes(big);
      Path f = Files.write(tmp.resolve("f.bin"), big);
      Path small = Files.write(tmp.resolve("s.bin"), "hello".getBytes());
      try (S3Storage st = s3.storage("outputs").partSize(8 << 20).build()) {
        TaskId id = TaskId.random();
        StoredObject o = st.store(id, "out.mp4", f);
        System.out.println("STORED " + o);
        System.out.println("HEAD " + admin.headObject(h -> h.bucket("outputs").key("ffmpeg-outputs/" + id.value() + "/out.mp4")));
        StoredObject o2 = st.store(id, "small.mp4", small);
        System.out.println("STORED " + o2);
        try (var in = st.open(o.uri())) { System.out.println("READ " + in.readAllBytes().length); }
        st.delete(id);
        System.out.println("LIST " + admin.listObjectsV2(l -> l.bucket("outputs")).contents());
        var cmu = admin.createMultipartUpload(c -> c.bucket("outputs").key("x/y"));
        admin.uploadPart(u -> u.bucket("outputs").key("x/y").uploadId(cmu.uploadId()).partNumber(1), software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[6<<20]));
        System.out.println("MPU " + admin.listMultipartUploads(l -> l.bucket("outputs")).uploads());
        s3.stop();
        s3.restart();
        System.out.println("MPU after restart " + admin.listMultipartUploads(l -> l.bucket("outputs")).uploads());
      }
    }
  }
}
