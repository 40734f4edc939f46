/**
 * Split-and-stitch: {@link io.ffmpegqueue.internal.split.SourceMedia} reads the probe of the input,
 * {@link io.ffmpegqueue.internal.split.SplitPlan} cuts its frames into parts, and
 * {@link io.ffmpegqueue.internal.split.PartCommands} writes the probe, part, audio and stitch commands.
 * No compatibility promise; used by core alone.
 */
package io.ffmpegqueue.internal.split;
