package io.ffmpegqueue.testing;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;

class InMemoryTaskContinuationTest extends TaskContinuationContract {
  @Override
  protected QueueBackend createBackend() {
    return InMemoryQueueBackend.create();
  }
}
