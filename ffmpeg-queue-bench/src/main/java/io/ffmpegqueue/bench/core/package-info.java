/**
 * Benchmarks of the core queue alone: the in-memory backend and the worker machinery with a no-op
 * handler, beside a plain {@link java.util.concurrent.ThreadPoolExecutor} and JobRunr doing the same
 * no-op work, and the heap that pending tasks hold. Run {@link io.ffmpegqueue.bench.core.CoreBench};
 * {@code docs/benchmarks.md} has the command and the figures.
 */
package io.ffmpegqueue.bench.core;
