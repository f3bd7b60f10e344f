package io.github.httpupload.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects every java.util.logging record (where Tomcat, and our System.Logger, write) while open,
 * with the messages of attached exceptions, as plain text.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final Level previousLevel;
    private final List<String> lines = new ArrayList<>();

    public LogCapture(Level level) {
        previousLevel = root.getLevel();
        setLevel(level);
        root.setLevel(level);
        root.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + ": ");
        line.append(new java.util.logging.SimpleFormatter().formatMessage(record));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    public synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(previousLevel);
    }
}
