/** The machinery behind the public API: worker loop, event delivery, pipeline. No compatibility promise. */
package io.ffmpegqueue.internal;
