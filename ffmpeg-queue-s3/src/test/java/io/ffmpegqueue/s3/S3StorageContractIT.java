package io.ffmpegqueue.s3;

import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.testing.StorageContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class S3StorageContractIT extends StorageContract {
  @TempDir
  static Path serverDir;

  static S3ProxyServer s3;
  static S3Storage storage;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(serverDir);
    try (S3Client admin = s3.adminClient()) {
      admin.createBucket(b -> b.bucket("contract"));
    }
    storage = s3.storage("contract").build();
  }

  @AfterAll
  static void stopS3() {
    storage.close();
    s3.close();
  }

  @Override
  protected Storage storage() {
    return storage;
  }
}
