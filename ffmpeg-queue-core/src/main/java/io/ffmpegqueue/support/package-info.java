/**
 * Small helpers for modules that extend the queue (backends, storages, fetchers): argument checks that
 * name the option and the value given, and named daemon threads. Public so that those modules need no
 * class of core's {@code internal} packages.
 */
package io.ffmpegqueue.support;
