/** The standalone worker: {@link io.ffmpegqueue.examples.worker.WorkerMain}, the worker jar's entry point. */
package io.ffmpegqueue.examples.worker;
