/**
 * The task-events hub ({@link io.ffmpegqueue.internal.events.TaskEvents}) that the submit path, the
 * workers and the webhook sender share, and the bus that delivers to listeners. No compatibility promise;
 * used by core alone.
 */
package io.ffmpegqueue.internal.events;
