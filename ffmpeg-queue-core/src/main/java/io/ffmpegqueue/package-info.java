/**
 * The host API: {@link io.ffmpegqueue.FfmpegQueue} (the queue with workers),
 * {@link io.ffmpegqueue.FfmpegQueueClient} (submit-only), {@link io.ffmpegqueue.TaskRequest},
 * {@link io.ffmpegqueue.Task}, events and the exceptions.
 */
package io.ffmpegqueue;
