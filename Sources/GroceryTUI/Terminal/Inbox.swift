import Foundation
import Synchronization

/// Messages for the UI thread from any thread, and a pipe that wakes its `poll()`.
final class Inbox: Sendable {
    private let messages = Mutex<[Msg]>([])
    private let resized = Mutex(false)
    /// Read end (polled by the UI thread) and write end of the wake-up pipe.
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
    }

    func post(_ message: Msg) {
        messages.withLock { $0.append(message) }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Notes that the terminal changed size (SIGWINCH may reach any thread, so the UI
    /// thread learns of it here rather than from curses).
    func postResize() {
        resized.withLock { $0 = true }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Whether a resize was posted since the last call.
    func takeResize() -> Bool {
        resized.withLock { value in
            defer { value = false }
            return value
        }
    }

    /// Everything posted so far, oldest first; empties the pipe too.
    func drain() -> [Msg] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return messages.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }
}
