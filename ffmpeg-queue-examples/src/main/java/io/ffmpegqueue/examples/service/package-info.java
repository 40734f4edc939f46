/**
 * How the service is put together from its configuration: {@link io.ffmpegqueue.examples.service.ConfiguredQueue}
 * builds the queue, {@link io.ffmpegqueue.examples.service.Backends} names the backends that
 * {@code QUEUE_BACKEND} can select.
 */
package io.ffmpegqueue.examples.service;
