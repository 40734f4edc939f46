/** The AMQP benchmark's process under test: the RabbitMQ bridge in front of a queue whose handler does nothing. */
package io.ffmpegqueue.bench.amqp;
