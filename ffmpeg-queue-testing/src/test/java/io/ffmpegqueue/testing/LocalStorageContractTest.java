package io.ffmpegqueue.testing;

import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageContractTest extends StorageContract {
  @TempDir
  Path root;

  @Override
  protected Storage storage() {
    return LocalStorage.at(root);
  }
}
