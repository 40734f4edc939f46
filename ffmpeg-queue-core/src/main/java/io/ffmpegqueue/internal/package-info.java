/**
 * The machinery behind the public API, by step in the packages below this one (submit, worker, events,
 * webhook, http); here the fetcher registry they share. No compatibility promise; used by core alone.
 */
package io.ffmpegqueue.internal;
