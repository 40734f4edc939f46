/**
 * Spring Boot auto-configuration for ffmpeg-queue: an {@link io.ffmpegqueue.FfmpegQueue} bean from
 * {@code ffmpeg.queue.*} properties ({@link io.ffmpegqueue.spring.boot.FfmpegQueueProperties}), its Micrometer
 * meters and an Actuator health indicator. Add {@code io.ffmpegqueue:ffmpeg-queue-spring-boot-starter} and
 * inject the queue.
 */
package io.ffmpegqueue.spring.boot;
