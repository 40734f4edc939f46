/**
 * Test support for applications on the starter: {@link io.ffmpegqueue.spring.boot.test.AutoConfigureFakeFfmpegRunner}
 * swaps the queue's ffmpeg for the testing kit's fake runner.
 */
package io.ffmpegqueue.spring.boot.test;
