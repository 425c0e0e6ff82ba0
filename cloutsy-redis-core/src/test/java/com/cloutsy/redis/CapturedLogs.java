package com.cloutsy.redis;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this library and of Lettuce at DEBUG, and everything else at the configured level, while open:
 * the formatted message and the whole chain of any exception logged with it. The captured loggers do not pass their
 * DEBUG lines on to the console while open.
 */
final class CapturedLogs implements AutoCloseable {

  private static final List<String> DEBUG_LOGGERS = List.of("com.cloutsy", "io.lettuce");

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> loggers = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();

  private CapturedLogs() {
    appender.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    for (String name : DEBUG_LOGGERS) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      levels.add(logger.getLevel());
      logger.addAppender(appender);
      logger.setAdditive(false);
      logger.setLevel(Level.DEBUG);
      loggers.add(logger);
    }
  }

  /** Starts capturing. */
  static CapturedLogs start() {
    return new CapturedLogs();
  }

  /** The lines so far, each with the messages of its exception chain. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent event : appender.list) {
        StringBuilder line = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
          line.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
        }
        lines.add(line.toString());
      }
    }
    return lines;
  }

  @Override
  public void close() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(appender);
      loggers.get(i).setAdditive(true);
      loggers.get(i).setLevel(levels.get(i));
    }
  }
}
