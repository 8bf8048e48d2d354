import Foundation
import GroceryClient  // SplitMix64
import GroceryProtocol
import GroceryTestSupport
import Testing

/// Faults against real processes, bounded in count and time (docs/BENCHMARKS.md lists
/// the whole fault-injection suite; the other faults live next to the features they
/// break: PipeCommandTests, RealTransportTests, SecurityTests, MalformedFrameTests).
@Suite("Fault injection (real processes)", .heavy)
struct FaultInjectionTests {
    @Test("20 cycles of server kill -9 and restart while two pipes send cart changes: every cart is exactly what was sent")
    func killRestartCycles() async throws {
        let folder = PipeCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("server.sqlite").path
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let ports = ["--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", database]
        var server = try await ServeProcess.start(ports, fixedPorts: true)
        let fast = ["--initial-delay-ms", "50", "--max-delay-ms", "200", "--max-attempts", "1000", "--heartbeat-ms", "2000",
                    "--heartbeat-timeout-ms", "1000", "--stable-after-ms", "100"]
        let users = ["ann", "bob"]
        let pipes = try users.map { user in
            try PipeProcess(PipeCommandTests.urls(walmartPort, groceryPort) + fast + [
                "--user-id", user, "--queue-file", folder.appendingPathComponent("\(user).json").path, "--drain-timeout-ms", "30000",
            ])
        }
        // Each cycle every pipe sends one line; the products rotate so each line is its own cart line.
        let products = [("lime", "limes"), ("banana", "bananas"), ("avocado-hass", "hass avocados"), ("apple-gala", "gala apples")]
        var expected: [String: [String: Double]] = [:]
        var random = SplitMix64(seed: 20)  // where in a cycle each kill falls
        for cycle in 0..<20 {
            for (index, pipe) in pipes.enumerated() {
                let (id, words) = products[(cycle + index) % products.count]
                let quantity = cycle % 3 + 1
                pipe.send("add \(quantity) \(words)")
                expected[users[index], default: [:]][id, default: 0] += Double(quantity)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...200, using: &random)))
            server.signal(SIGKILL)
            _ = try await server.exitStatus(within: .seconds(15))
            server = try await ServeProcess.start(ports, fixedPorts: true)
        }
        for pipe in pipes { pipe.endInput() }
        for pipe in pipes { #expect(try await pipe.exitStatus(within: .seconds(60)) == 0) }
        for user in users {
            let cart = try await PipeCommandTests.cart(of: user, port: groceryPort)
            let actual = Dictionary(uniqueKeysWithValues: cart.items.map { ($0.productId, $0.quantity) })
            #expect(actual == expected[user], "cart of \(user)")
        }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }
}
