package io.ambient4j.common.logging;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Keeps logging alive while a component shuts down. The JDK resets java.util.logging from its own shutdown hook,
 * which runs concurrently with ours, so what a component logged while stopping (the CNI agent's "uninstalling" or
 * "leaving the plugin in place", ztunnel's drain) was often lost. Components call {@link #install()} first thing (a
 * static initialiser of their {@code Main}, before any logger exists): the JVM's {@link LogManager} then ignores the
 * JDK's reset, and {@link #shutdownComplete()} flushes when the component is done.
 */
public final class ShutdownLogging {
    private ShutdownLogging() {}

    /**
     * Names {@link Manager} as the JVM's {@link LogManager}; effective only before java.util.logging is first used.
     * Returns whether it is in effect. (This class does not extend LogManager: initialising a subclass would
     * initialise LogManager, and so choose the manager, before the property is set.)
     */
    public static boolean install() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", Manager.class.getName());
        }
        return LogManager.getLogManager() instanceof Manager;
    }

    /** Called by a component at the end of its shutdown: flushes every handler of the root logger. */
    public static void shutdownComplete() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.flush();
        }
    }

    /** The LogManager that survives the JDK's shutdown hook. */
    public static final class Manager extends LogManager {
        /** The JDK's shutdown hook that resets logging. */
        static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

        /** Public no-argument constructor: LogManager instantiates the class named by the system property. */
        public Manager() {}

        /**
         * Ignored when the JDK's shutdown hook (the {@code LogManager$Cleaner} thread) calls it, while the component
         * may still be logging; a reset asked for by anyone else (e.g. reading a new configuration) happens as usual.
         */
        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
                return; // handlers stay until the JVM exits; shutdownComplete() flushes them
            }
            super.reset();
        }
    }
}
