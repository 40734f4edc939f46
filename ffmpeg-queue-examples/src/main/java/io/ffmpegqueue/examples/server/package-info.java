/**
 * The HTTP service: {@link io.ffmpegqueue.examples.server.ApiServer} (the guide's endpoints on the JDK's
 * HTTP server), {@link io.ffmpegqueue.examples.server.FfmpegService} (queue plus API from the
 * configuration) and {@link io.ffmpegqueue.examples.server.ServerMain}, the server jar's entry point.
 */
package io.ffmpegqueue.examples.server;
