import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM must end the server with exit 0 within the grace period, whatever stage each
/// connection is in (DESIGN §6). It used to crash (SIGILL, "Cancellation took longer
/// than allowed") when one TCP connection sat idle.
@Suite("Shutdown with connections in every stage (real process)", .heavy)
struct ShutdownTests {
    /// A raw TCP connection to 127.0.0.1:`port` that sends `bytes` and then nothing.
    final class RawConnection: Sendable {
        let descriptor: Int32

        init(port: Int, sending bytes: String = "") throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw TestFailure("cannot connect to \(port)") }
            if !bytes.isEmpty { _ = bytes.withCString { send(descriptor, $0, strlen($0), 0) } }
        }

        deinit { close(descriptor) }
    }

    @Test("SIGTERM with an idle TCP connection, half a request head, a hello-less WebSocket and 200 busy ones: exit 0 within the grace")
    func everyStage() async throws {
        // Deadlines far away: however long the 200 connects take here, the idle, half-head and
        // hello-less sockets are still in their stage when the signal comes.
        let server = try await ServeProcess.start([
            "--db", ":memory:", "--shutdown-grace", "3", "--upgrade-burst", "1000", "--upgrades-per-second", "1000",
            "--request-head-timeout-ms", "120000", "--hello-timeout-ms", "120000",
        ])
        let idle = try RawConnection(port: server.walmartPort)
        let half = try RawConnection(port: server.groceryPort, sending: "GET /health HTTP/1.1\r\nHost: x\r\n")
        let helloless = try RawConnection(port: server.groceryPort, sending: """
            GET /ws/grocery HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 13\r\n\r\n
            """)
        var busy: [TestSocket] = []
        for n in 0..<200 {
            let socket = try await TestSocket.connect(n.isMultiple(of: 2) ? server.walmartURL : server.groceryURL)
            socket.send(.hello(.init(sessionId: nil, userId: "busy\(n)")))
            busy.append(socket)
        }
        let talking = Task {
            var n = 0
            while !Task.isCancelled {
                for socket in busy { socket.send(.ping(ts: Double(n))) }
                n += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(300))  // let the pings flow: the server is busy when the signal comes
        let signalled = ContinuousClock.now
        server.signal(SIGTERM)
        let status = try await server.exitStatus(within: .seconds(15))
        talking.cancel()
        #expect(status == 0, "\(server.standardError.suffix(800))")
        #expect(ContinuousClock.now - signalled < .seconds(3) + .seconds(5))  // the grace, and a margin for a loaded machine (without the grace it never exits)
        withExtendedLifetime((idle, half, helloless)) {}
    }

    @Test("SIGTERM while 30 clients flood queries (10 never reading, 20 reading as fast as they can): exit 0 within the grace; no backlog is worked through after the close, no loop is kept from its timers")
    func floodedShutdown() async throws {
        let server = try await ServeProcess.start([
            "--db", ":memory:", "--shutdown-grace", "3", "--messages-per-second", "0", "--write-stall-timeout-ms", "60000",
            "--upgrade-burst", "1000", "--upgrades-per-second", "1000",
        ])
        var flooders: [RawFrames] = []
        // Setting up is not what this test is about: a connection lost while the scene is
        // set (seen once in a loaded CI run, "I/O on closed channel"; not reproduced, see
        // the notes) is made again, up to 3 times.
        for n in 0..<30 {
            var attempt = 0
            while true {
                attempt += 1
                do {
                    let flooder = try await RawFrames.connect(
                        port: server.walmartPort, path: "/ws/walmart", readingAfterUpgrade: n >= 10, discardingAfterUpgrade: n >= 10)
                    try await flooder.send(text: ClientMessage.hello(.init(sessionId: nil, userId: "flood\(n)")).encoded())
                    flooders.append(flooder)
                    break
                } catch where attempt < 3 {
                    continue
                }
            }
        }
        let query = ClientMessage.nlpQuery(id: "q", text: "add milk, eggs, bread, butter, cheese and apples").encoded()
        let floodEnds = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < floodEnds {
            for flooder in flooders where flooder.isWritable {
                for _ in 0..<20 { flooder.queue(text: query) }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let signalled = ContinuousClock.now
        server.signal(SIGTERM)
        let status = try await server.exitStatus(within: .seconds(15))
        #expect(status == 0, "\(server.standardError.suffix(800))")
        #expect(ContinuousClock.now - signalled < .seconds(3) + .seconds(5))
        for flooder in flooders { await flooder.close() }
    }

    @Test("SIGTERM with a TLS handshake pending (TCP open, no ClientHello): exit 0 within the grace")
    func pendingTLSHandshake() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await ServeProcess.start([
            "--db", ":memory:", "--shutdown-grace", "3", "--tls-cert-file", certificate.certificateFile, "--tls-key-file", certificate.keyFile,
        ])
        let pending = try RawConnection(port: server.walmartPort)
        let partial = try RawConnection(port: server.groceryPort, sending: "\u{16}\u{03}\u{01}")  // the start of a ClientHello
        try await Task.sleep(for: .milliseconds(200))
        server.signal(SIGTERM)
        #expect(try await server.exitStatus(within: .seconds(15)) == 0, "\(server.standardError.suffix(800))")
        withExtendedLifetime((pending, partial)) {}
    }
}
