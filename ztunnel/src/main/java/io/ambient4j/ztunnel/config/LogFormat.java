package io.ambient4j.ztunnel.config;

/** Access and application log encoding ({@code LOG_FORMAT}). */
public enum LogFormat {
    PLAIN,
    JSON
}
