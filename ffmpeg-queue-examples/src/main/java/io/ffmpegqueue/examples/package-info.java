/**
 * Runnable examples of ffmpeg-queue: {@link io.ffmpegqueue.examples.EmbeddingExample} (the README's
 * embedding example) and, in the sub-packages, the HTTP service and the standalone worker that the
 * server and worker jars run.
 */
package io.ffmpegqueue.examples;
