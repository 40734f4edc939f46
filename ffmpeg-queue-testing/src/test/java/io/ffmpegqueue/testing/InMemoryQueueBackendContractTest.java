package io.ffmpegqueue.testing;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;

// sample:backend-contract
class InMemoryQueueBackendContractTest extends QueueBackendContract {
  @Override
  protected QueueBackend createBackend(Limits limits) {
    return InMemoryQueueBackend.builder()
        .capacity(limits.capacity())
        .retentionAge(limits.retentionAge())
        .retentionCount(limits.retentionCount())
        .build();
  }
}
// end-sample
