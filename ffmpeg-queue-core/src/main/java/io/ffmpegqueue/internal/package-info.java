/** The machinery behind the public API: worker loop, event hub, submit path, webhook sender. No compatibility promise; used by core alone. */
package io.ffmpegqueue.internal;
