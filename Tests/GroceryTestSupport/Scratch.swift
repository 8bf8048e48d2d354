import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh folder for one test's files (databases, queues, logs, secrets). Every folder
/// lives under one root per test process, `grocery-tests-PID` in the temporary
/// directory, which is removed when the process exits; roots left by a process that
/// died (kill -9, a crash) are removed by the next run. Tests remove their own folders
/// too (`defer`), so a long run does not pile them up.
public func scratchFolder(_ prefix: String) -> URL {
    let root = ScratchRoot.shared
    let folder = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

private enum ScratchRoot {
    static let base = FileManager.default.temporaryDirectory

    /// Made on first use: clears roots of dead processes and registers the removal at exit.
    static let shared: URL = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        for name in names where name.hasPrefix("grocery-tests-") {
            // kill(pid, 0) fails with ESRCH when no such process runs.
            if let pid = Int32(name.dropFirst("grocery-tests-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
        let root = base.appendingPathComponent("grocery-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit {
            try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("grocery-tests-\(getpid())"))
        }
        return root
    }()
}
