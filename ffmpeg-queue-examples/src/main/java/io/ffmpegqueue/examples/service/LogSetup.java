package io.ffmpegqueue.examples.service;

/**
 * Points slf4j-simple at {@code LOG_LEVEL}: must run before the first logger is made, which is why the
 * mains read the configuration without logging and call this next.
 */
public final class LogSetup {
  private LogSetup() {}

  /** Sets the level ({@code trace} to {@code error}) and a line format with time and thread, to stdout. */
  public static void apply(String level) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
