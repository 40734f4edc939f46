/**
 * The host API: {@link io.ffmpegqueue.FfmpegQueue} (the queue with workers),
 * {@link io.ffmpegqueue.FfmpegQueueClient} (submit-only), {@link io.ffmpegqueue.TaskRequest},
 * {@link io.ffmpegqueue.Task}, events and the exceptions; {@link io.ffmpegqueue.WorkerDriver} runs a queue's
 * workers step by step for tests.
 */
package io.ffmpegqueue;
