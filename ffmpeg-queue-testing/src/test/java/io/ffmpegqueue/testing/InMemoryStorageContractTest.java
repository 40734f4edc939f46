package io.ffmpegqueue.testing;

import io.ffmpegqueue.io.Storage;

// sample:storage-contract
class InMemoryStorageContractTest extends StorageContract {
  private final InMemoryStorage storage = new InMemoryStorage();

  @Override
  protected Storage storage() {
    return storage;
  }
}
// end-sample
