package io.ffmpegqueue.testing;

import io.ffmpegqueue.io.Storage;

class InMemoryStorageContractTest extends StorageContract {
  private final InMemoryStorage storage = new InMemoryStorage();

  @Override
  protected Storage storage() {
    return storage;
  }
}
