/**
 * For host applications' tests and for third-party backends and storages.
 *
 * <p>Host tests: {@link io.ffmpegqueue.testing.FfmpegQueueHarness} is a queue wired with fakes
 * ({@link io.ffmpegqueue.testing.FakeFfmpegRunner}, {@link io.ffmpegqueue.testing.InMemoryStorage},
 * {@link io.ffmpegqueue.testing.FakeInputFetcher}, {@link io.ffmpegqueue.testing.ManualClock},
 * {@link io.ffmpegqueue.testing.RecordingTaskListener}) whose workers run on the test's thread;
 * {@link io.ffmpegqueue.testing.FfmpegQueueTest @FfmpegQueueTest} makes one per JUnit Jupiter test and
 * injects it. No ffmpeg, network or waiting is involved. A fetcher, runner or handler of the host's own is
 * called directly with a {@link io.ffmpegqueue.testing.FakeTaskContext}.
 *
 * <p>Backends and storages: the compatibility suites {@link io.ffmpegqueue.testing.QueueBackendContract}
 * and {@link io.ffmpegqueue.testing.StorageContract}, which an implementation's test extends.
 *
 * <p>Only the JUnit Jupiter API is required at compile scope; no assertion or mocking library is forced on
 * the host.
 */
package io.ffmpegqueue.testing;
