package io.ffmpegqueue.examples.config;

/**
 * One environment variable the service reads.
 *
 * @param name the variable, e.g. {@code PORT}
 * @param defaultValue its value when unset or empty, as text ({@code ""} when it has none)
 * @param description what it does, one line
 * @param secret whether its value must never be printed
 */
public record Variable(String name, String defaultValue, String description, boolean secret) {}
