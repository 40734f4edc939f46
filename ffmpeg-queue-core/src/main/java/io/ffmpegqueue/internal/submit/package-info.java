/**
 * The submit path ({@link io.ffmpegqueue.internal.submit.TaskSubmitter}): checks, defaults, tenant rates and
 * the compact form a stored request holds. No compatibility promise; used by core alone.
 */
package io.ffmpegqueue.internal.submit;
