/**
 * The service's configuration from the environment and an optional {@code .env} file:
 * {@link io.ffmpegqueue.examples.config.ServiceConfig} lists every variable with its default.
 */
package io.ffmpegqueue.examples.config;
