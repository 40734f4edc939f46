/**
 * The HTTP input fetcher's machinery: the address guard against server-side request forgery (what an input
 * URL may point at, however it is spelled, checked at submission, at every redirect, at name resolution and
 * at every socket connect), and the download itself (retries, resume, parallel ranges). No compatibility
 * promise: use {@link io.ffmpegqueue.io.HttpInputFetcher}.
 */
package io.ffmpegqueue.internal.http;
