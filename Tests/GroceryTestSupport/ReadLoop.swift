import Foundation

/// Reads a pipe to its end on a thread of its own, handing each chunk to `chunk`.
/// (FileHandle's readabilityHandler, a libdispatch source, crashed the test runner when
/// many child processes came and went.)
public func readLoop(_ handle: FileHandle, _ chunk: @escaping @Sendable (Data) -> Void) {
    Thread {
        while true {
            let data = handle.availableData
            if data.isEmpty { return }
            chunk(data)
        }
    }.start()
}
