/**
 * The webhook sender ({@link io.ffmpegqueue.internal.webhook.WebhookNotifier}): signed POSTs of the
 * deliveries a {@link io.ffmpegqueue.spi.WebhookOutbox} holds. No compatibility promise; used by core alone.
 */
package io.ffmpegqueue.internal.webhook;
