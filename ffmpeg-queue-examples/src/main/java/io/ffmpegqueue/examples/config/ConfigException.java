package io.ffmpegqueue.examples.config;

import io.ffmpegqueue.FfmpegQueueException;

/**
 * A configuration value is invalid or missing; the message starts with the variable's name and says what
 * is expected, so that the operator can fix it. Start-up stops on it. Secret values are never repeated.
 */
public class ConfigException extends FfmpegQueueException {
  private static final long serialVersionUID = 1L;

  private final String variable;

  /** An invalid {@code variable}; {@code message} says why and what is expected. */
  public ConfigException(String variable, String message) {
    super(variable + ": " + message);
    this.variable = variable;
  }

  /** The environment variable at fault ({@code PORT}, {@code NUM_WORKERS}, ...), or the file for a syntax error. */
  public String variable() {
    return variable;
  }
}
