/**
 * For backend and pipeline authors only: the queue backend SPI ({@link io.ffmpegqueue.spi.QueueBackend},
 * tasks only, proven by the {@code QueueBackendContract} suite of {@code ffmpeg-queue-testing}), the
 * optional webhook storage a backend may also implement ({@link io.ffmpegqueue.spi.WebhookOutbox}), and the task handler
 * seam ({@link io.ffmpegqueue.spi.TaskHandler}) that lets a test or a benchmark run the worker machinery
 * without ffmpeg.
 */
package io.ffmpegqueue.spi;
