/** The in-memory queue backend: the embedded default and the reference implementation of the SPI. */
package io.ffmpegqueue.memory;
