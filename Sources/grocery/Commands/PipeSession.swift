import Foundation
import GroceryClient
import GroceryProtocol
import Synchronization

/// Runs `grocery pipe`: feeds stdin lines to the core, prints its events, drains at EOF.
struct PipeSession {
    let core: GroceryClient
    let printer: PipePrinter
    let drainTimeout: Duration

    /// The exit code.
    func run() async -> Int32 {
        let states = Mutex<[String: ConnectionState]>([:])
        await core.start()
        let events = Task {
            for await event in core.events {
                if case .state(let channel, let state) = event { states.withLock { $0[channel] = state } }
                printer.print(event)
            }
        }
        let inputDone = Mutex(false)
        let input = Task { [core, printer] in
            for await line in StandardInput.lines() {
                do throws(QueueError) {
                    try await core.submit(line)
                } catch {
                    printer.printError(code: error.code, message: error.description)
                }
            }
            inputDone.withLock { $0 = true }
        }
        let clock = ContinuousClock()
        var endOfInput: ContinuousClock.Instant?
        var code: Int32 = 0
        while true {
            try? await Task.sleep(for: .milliseconds(20))
            let current = states.withLock { $0 }
            let gaveUp = current.count == 2 && current.values.allSatisfy { if case .failed = $0 { return true } else { return false } }
            if gaveUp {
                printer.printError(code: "gave_up", message: "every channel gave up")
                code = 3
                break
            }
            if endOfInput == nil, inputDone.withLock({ $0 }) { endOfInput = clock.now }
            if let done = endOfInput {
                if await core.pendingCount == 0 { break }
                if clock.now - done >= drainTimeout {
                    printer.printError(code: "undelivered", message: "\(await core.pendingCount) message(s) not acknowledged within the drain timeout")
                    code = 1
                    break
                }
            }
        }
        input.cancel()
        await core.close()
        await events.value
        return code
    }
}

/// Writes `grocery pipe`'s JSON lines, flushed one by one.
final class PipePrinter: Sendable {
    private let start = ContinuousClock.now
    /// Whether unsure results are applied, for their `unsure` event.
    let applyUnsure: Bool

    init(applyUnsure: Bool = false) {
        self.applyUnsure = applyUnsure
    }

    func print(_ event: ClientEvent) {
        var fields: [(String, Any)] = []
        switch event {
        case .state(let channel, let state):
            fields = [("event", "state"), ("channel", channel), ("state", state.name)]
            switch state {
            case .connecting(let attempt): fields.append(("attempt", attempt))
            case .connected(_, let rtt): if let rtt { fields.append(("rttMs", rtt.seconds * 1000)) }
            case .waiting(let attempt, let retryAt, let lastError):
                fields += [("attempt", attempt), ("delayMs", max(0, (retryAt - Self.clockNow()).wholeMilliseconds)), ("reason", lastError.description)]
            case .failed(let reason, let attempts): fields += [("attempt", attempts), ("reason", reason.description)]
            default: break
            }
        case .result(let id, let result):
            fields = [("event", "result"), ("id", id), ("result", Self.object(result))]
            // Below the threshold a change is held, or applied with --apply-unsure: said either way.
            if result.intent.changesCart, result.error == nil, !result.isSure {
                write(fields)
                fields = [("event", "unsure"), ("id", id), ("result", Self.object(result)), ("applied", applyUnsure)]
            }
        case .held, .changed:
            return  // the unsure event above says it; a change is seen in queued and cart
        case .cart(let cart):
            fields = [("event", "cart"), ("epoch", cart.epoch), ("version", cart.version), ("items", Self.object(cart.items)), ("total", cart.total)]
        case .queued(let id, let depth, _):
            fields = [("event", "queued"), ("id", id), ("depth", depth)]
        case .delivered(let id):
            fields = [("event", "delivered"), ("id", id)]
        case .order(let id, let receipt):
            fields = [("event", "order"), ("id", id), ("orderId", receipt.orderId), ("total", receipt.total), ("items", Self.object(receipt.items))]
        case .orders(let id, let receipts):
            fields = [("event", "orders"), ("id", id), ("orders", Self.object(receipts))]
        case .rejected(let id, let code, let message):
            fields = [("event", "rejected"), ("id", id), ("code", code), ("message", message)]
        case .error(let code, let message):
            fields = [("event", "error"), ("code", code), ("message", message)]
        }
        write(fields)
    }

    func printError(code: String, message: String) {
        write([("event", "error"), ("code", code), ("message", message)])
    }

    private func write(_ fields: [(String, Any)]) {
        var object: [String: Any] = ["t": (ContinuousClock.now - start).wholeMilliseconds]
        for (key, value) in fields { object[key] = value }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        Output.standardOutput(String(decoding: data, as: UTF8.self) + "\n")
    }

    private static func object(_ value: some Encodable) -> Any {
        guard let data = try? JSONEncoder().encode(value) else { return NSNull() }
        return (try? JSONSerialization.jsonObject(with: data)) ?? NSNull()
    }

    /// The core's clock: wraps ContinuousClock at process start like ``GroceryClient``'s default.
    private static func clockNow() -> Duration { processClock.now }
}

/// The clock the pipe's core runs on, shared so `delayMs` is computed on the same time line.
let processClock = AnyClientClock(ContinuousClock())

/// Standard input as lines, read on a thread of its own so a blocking read never holds
/// one of the few threads Swift concurrency runs on.
enum StandardInput {
    static func lines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
