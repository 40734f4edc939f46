/**
 * Micrometer meters for an ffmpeg-queue: {@link io.ffmpegqueue.micrometer.FfmpegQueueMetrics#bind} one queue
 * to a {@code MeterRegistry}.
 */
package io.ffmpegqueue.micrometer;
