/**
 * RabbitMQ for ffmpeg-queue: {@link io.ffmpegqueue.amqp.AmqpBridge} takes tasks from Celery clients and
 * plain AMQP clients, answers Celery's {@code rpc://} result backend and publishes every task event on a
 * topic exchange; {@link io.ffmpegqueue.amqp.AmqpSettings} says where and under which names.
 */
package io.ffmpegqueue.amqp;
