/**
 * The worker side: {@link io.ffmpegqueue.internal.worker.WorkerPool} dispatches claims and runs attempts,
 * {@link io.ffmpegqueue.internal.worker.LeaseSupervisor} keeps leases and timeouts,
 * {@link io.ffmpegqueue.internal.worker.AttemptEnding} decides what an attempt's end records, and
 * {@link io.ffmpegqueue.internal.worker.FfmpegPipeline} is the default attempt (workspace, fetch, ffmpeg,
 * store). No compatibility promise; used by core alone.
 */
package io.ffmpegqueue.internal.worker;
