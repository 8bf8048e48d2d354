import ArgumentParser
import Foundation
import GroceryClient
import GroceryProtocol
import GroceryTUI

/// `grocery bench render`: the cost of one TUI frame, without a terminal.
struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Compute and diff full TUI frames (view + changed rows) and print p50/p99 per frame.",
        discussion: "A busy screen: a countdown running, a ranked result of 8, a 60-line cart focused mid-way with 20 queued changes (10 of them lines of their own), a full log, a long input line."
    )

    @Option(help: "Frame width in columns.")
    var columns = 200

    @Option(help: "Frame height in rows.")
    var rows = 60

    @Option(help: "Frames to time.")
    var frames = 2000

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard columns > 0, rows > 0, frames > 0 else { throw ValidationError("--columns, --rows and --frames must be at least 1") }
    }

    func run() throws {
        let model = Self.busyModel()
        let size = Size(columns: columns, rows: rows)
        var previous: Screen?
        var samples: [Duration] = []
        var changedRows = 0
        let clock = ContinuousClock()
        for frame in 0..<(frames + 50) {
            let now = Duration.milliseconds(1000 + frame * 100)  // the countdown moves every frame
            let start = clock.now
            let screen = view(model, now: now, size: size)
            let changed = screen.changedRows(from: previous)
            let elapsed = clock.now - start
            previous = screen
            if frame >= 50 {
                samples.append(elapsed)
                changedRows += changed.count
            }
        }
        let stats = LatencyStats(samples)
        let report = RenderReport(
            columns: columns, rows: rows, frames: frames, p50Microseconds: stats.percentile(50).microseconds,
            p99Microseconds: stats.percentile(99).microseconds, changedRowsPerFrame: Double(changedRows) / Double(frames))
        if json {
            Output.standardOutput(try report.json())
        } else {
            Output.standardOutput(
                String(format: "frame             %d×%d\nframes            %d\np50 per frame     %.1f µs\np99 per frame     %.1f µs\nrows redrawn      %.1f per frame\n",
                       columns, rows, frames, report.p50Microseconds, report.p99Microseconds, report.changedRowsPerFrame))
        }
    }

    struct RenderReport: BenchReport {
        var columns: Int
        var rows: Int
        var frames: Int
        var p50Microseconds: Double
        var p99Microseconds: Double
        var changedRowsPerFrame: Double
    }

    static func busyModel() -> Model {
        var model = Model(user: "bench", session: UUID().uuidString, serverNote: "server 127.0.0.1:3001", maxAttempts: 10)
        let catalog = (0..<60).map { (index: Int) -> CartSnapshot.Line in
            let quantity = Double(index % 7 + 1)
            let unit: SaleUnit = index % 3 == 0 ? .lb : .each
            return CartSnapshot.Line(
                productId: "p\(index)", name: "Product number \(index) with a long name 日本", quantity: quantity, unit: unit,
                unitPrice: 1.99, lineTotal: 3.98)
        }
        model.cart = CartSnapshot(version: 42, items: catalog, total: 238.8)
        model.walmart = .connected(since: .zero, rtt: .milliseconds(2))
        model.grocery = .waiting(attempt: 3, retryAt: .seconds(3600), lastError: .cannotConnect(detail: "connection refused (is the server running?)"))
        let ranked = (0..<8).map { ProductSummary(id: "cereal-\($0)", name: "Cereal number \($0)", price: 1.98 + Double($0), size: "12 oz", category: "pantry") }
        model.lastResult = NLPResult(text: "cheapest cereal", intent: .search, confidence: 0.85,
                                     items: [NLPItem(phrase: "cereal", quantity: 1, unit: .each, product: ranked[0], alternatives: Array(ranked.dropFirst()))])
        model.pendingChanges = (0..<20).map { index in
            let productId = index < 10 ? "p\(index * 6)" : "queued-\(index)"
            return Model.PendingChange(command: CartCommand(id: "c\(index)", action: .add, productId: productId, quantity: 1), name: "Queued product \(index)")
        }
        model.focus = .cart
        model.cartSelection = 30
        model.log = (0..<Model.logLimit).map { Model.LogLine(at: .seconds($0), text: "event number \($0): grocery closed with 1006; retry 3/10 in 2.3 s", tone: .yellow) }
        model.input.set("add 2 gallons of milk, a dozen eggs and some crème fraîche")
        return model
    }
}
