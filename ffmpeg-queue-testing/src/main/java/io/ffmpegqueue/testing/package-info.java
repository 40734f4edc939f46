/**
 * For host applications' tests and for third-party backends and storages: fakes, and the compatibility
 * suites {@link io.ffmpegqueue.testing.QueueBackendContract} and {@link io.ffmpegqueue.testing.StorageContract}
 * (JUnit API only).
 */
package io.ffmpegqueue.testing;
