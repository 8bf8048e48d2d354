import Logging
import Synchronization

/// Logging to standard error, set up once per process.
enum Log {
    private static let bootstrapped = Mutex(false)

    static func standardError(label: String, level: Logger.Level) -> Logger {
        bootstrapped.withLock { done in
            if !done { LoggingSystem.bootstrap(StreamLogHandler.standardError) }
            done = true
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
