import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a pipe to its end on a thread of its own, handing each chunk to `chunk`.
/// (FileHandle's readabilityHandler, a libdispatch source, crashed the test runner when
/// many child processes came and went; `availableData` traps when a signal interrupts
/// the read, so this reads with POSIX `read` and tries again on EINTR.)
public func readLoop(_ handle: FileHandle, _ chunk: @escaping @Sendable (Data) -> Void) {
    Thread {
        while let data = readChunk(handle.fileDescriptor) { chunk(data) }
    }.start()
}

/// Everything a pipe yields until its end (EINTR-safe, unlike `readDataToEndOfFile`).
public func readToEnd(_ handle: FileHandle) -> Data {
    var all = Data()
    while let data = readChunk(handle.fileDescriptor) { all.append(data) }
    return all
}

/// The next chunk, or nil at the end (or on an error other than EINTR).
private func readChunk(_ descriptor: Int32) -> Data? {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { return Data(buffer[0..<count]) }
        if count < 0, errno == EINTR { continue }
        return nil
    }
}

/// Writes all of `bytes` to `descriptor`, retrying on EINTR; stops quietly when the reader
/// is gone (EPIPE: FileHandle's `write` would trap on it). Blocks: call it on a thread of
/// its own, or for small writes to a child that reads.
public func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return }  // the child is gone: what it did not read is its loss, and the test's to see
        offset += count
    }
}
