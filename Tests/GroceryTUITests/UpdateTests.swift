import GroceryClient
import GroceryProtocol
import Testing

@testable import GroceryTUI

@Suite("update: keys and events")
struct UpdateTests {
    func type(_ text: String, into model: inout Model) {
        for character in text { _ = update(&model, .key(.character(character)), now: .zero) }
    }

    @Test("Enter sends the line, clears it and records history; blank lines are not sent")
    func enter() {
        var model = sampleModel()
        type("add milk", into: &model)
        #expect(update(&model, .key(.enter), now: .zero) == [.submit("add milk")])
        #expect(model.input.text.isEmpty)
        #expect(model.history == ["add milk"])
        type("   ", into: &model)
        #expect(update(&model, .key(.enter), now: .zero) == [])
    }

    @Test("line editing: arrows, Home/End, Backspace/Delete, Ctrl-U, Ctrl-W, UTF-8")
    func editing() {
        var model = sampleModel()
        type("add crème", into: &model)
        _ = update(&model, .key(.left), now: .zero)
        _ = update(&model, .key(.backspace), now: .zero)
        #expect(model.input.text == "add crèe")
        _ = update(&model, .key(.home), now: .zero)
        _ = update(&model, .key(.delete), now: .zero)
        #expect(model.input.text == "dd crèe")
        _ = update(&model, .key(.end), now: .zero)
        type(" 日本", into: &model)
        _ = update(&model, .key(.control("w")), now: .zero)
        #expect(model.input.text == "dd crèe ")
        _ = update(&model, .key(.control("u")), now: .zero)
        #expect(model.input.text.isEmpty)
        type("x", into: &model)
        _ = update(&model, .key(.escape), now: .zero)
        #expect(model.input.text.isEmpty)
    }

    @Test("Up/Down walk the history")
    func history() {
        var model = sampleModel()
        for line in ["one", "two"] {
            type(line, into: &model)
            _ = update(&model, .key(.enter), now: .zero)
        }
        _ = update(&model, .key(.up), now: .zero)
        #expect(model.input.text == "two")
        _ = update(&model, .key(.up), now: .zero)
        #expect(model.input.text == "one")
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.input.text == "two")
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.input.text.isEmpty)
    }

    @Test("Ctrl-R and F5 retry, F8 toggles the server, Ctrl-C quits, Ctrl-D quits only on an empty line")
    func commands() {
        var model = sampleModel()
        #expect(update(&model, .key(.control("r")), now: .zero) == [.retryNow])
        #expect(update(&model, .key(.function(5)), now: .zero) == [.retryNow])
        #expect(update(&model, .key(.function(8)), now: .zero) == [.toggleEmbeddedServer])
        type("x", into: &model)
        #expect(update(&model, .key(.control("d")), now: .zero) == [])
        _ = update(&model, .key(.control("u")), now: .zero)
        #expect(update(&model, .key(.control("d")), now: .zero) == [.quit])
        var other = sampleModel()
        #expect(update(&other, .key(.control("c")), now: .zero) == [.quit])
    }

    @Test("? on an empty line shows help; on a line it is typed")
    func questionMark() {
        var model = sampleModel()
        _ = update(&model, .key(.character("?")), now: .zero)
        #expect(model.showingHelp)
        _ = update(&model, .key(.character("x")), now: .zero)
        #expect(!model.showingHelp && model.input.text.isEmpty)
        type("milk?", into: &model)
        #expect(model.input.text == "milk?" && !model.showingHelp)
    }

    @Test("client events update states, cart (never older), queue and log")
    func events() {
        var model = sampleModel()
        _ = update(&model, .client(.state(channel: "grocery", .waiting(attempt: 2, retryAt: .seconds(10), lastError: .closed(code: 1001, reason: "")))), now: .seconds(8))
        #expect(model.isCountingDown)
        #expect(model.log.last?.text == "grocery closed with 1001; retry 2/10 in 2.0 s")
        _ = update(&model, .client(.cart(CartSnapshot(version: 2, items: [], total: 0))), now: .zero)
        #expect(model.cart?.version == 3)  // an older snapshot does not replace a newer one
        // Another epoch (a server on a fresh database) is the truth, whatever its version.
        let fresh = CartSnapshot(epoch: "fresh", version: 0, items: [], total: 0)
        _ = update(&model, .client(.cart(fresh)), now: .zero)
        #expect(model.cart == fresh)
        _ = update(&model, .client(.cart(CartSnapshot(version: 3, items: [], total: 0))), now: .zero)
        #expect(model.cart?.epoch == "")  // and back: the epoch differs again
        _ = update(&model, .client(.queued(id: "a", depth: 4)), now: .zero)
        #expect(model.queued == 4)
        _ = update(&model, .client(.error(code: "not_found", message: "no product matches \"x\"")), now: .zero)
        #expect(model.log.last?.tone == .red)
    }
}

@Suite("update: scrolling")
struct ScrollTests {
    @Test("PgUp scrolls the log while typing; Tab to the cart moves its selection")
    func scrolling() {
        var model = sampleModel()
        for n in 0..<30 { _ = update(&model, .notice("line \(n)"), now: .zero) }
        _ = update(&model, .key(.pageUp), now: .zero)
        #expect(model.logScroll == 5)
        _ = update(&model, .key(.pageDown), now: .zero)
        #expect(model.logScroll == 0)
        _ = update(&model, .key(.tab), now: .zero)
        _ = update(&model, .key(.tab), now: .zero)
        #expect(model.focus == .cart)
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.cartSelection == 1)
        #expect(model.input.text.isEmpty)
    }
}

/// The text of a screen row.
private func rowText(_ row: [Cell]) -> String {
    row.map(\.text).joined()
}

/// The cells of the first row of `screen` that shows `words`.
private func rowShowing(_ screen: Screen, showing words: String) -> [Cell]? {
    screen.rows.first { rowText($0).contains(words) }
}

@Suite("update → view: a change the full queue refuses")
struct QueueFullTests {
    /// `QueueError.full`'s words, as the shopper reads them.
    static let words = "the outbound queue is full (1000 places); wait for the connection to come back"

    @Test("a line the full queue refuses: a yellow log line says the queue is full, on screen")
    func refusedLine() throws {
        var model = sampleModel()
        model.walmart = .waiting(attempt: 2, retryAt: .seconds(9), lastError: .cannotConnect(detail: "connection refused"))
        for character in "add eggs" { _ = update(&model, .key(.character(character)), now: .seconds(6)) }
        #expect(update(&model, .key(.enter), now: .seconds(6)) == [.submit("add eggs")])
        // What TUI.run's worker posts when `submit`/`send` throws: `.notice("\(error)")`.
        #expect(update(&model, .notice("\(QueueError.full(capacity: 1000))"), now: .seconds(7)) == [])
        #expect(model.log.last == Model.LogLine(at: .seconds(7), text: Self.words, tone: .yellow))
        let wide = view(model, now: .seconds(7), size: Size(columns: 120, rows: 30))
        let cells = try #require(rowShowing(wide, showing: "00:07 " + Self.words))
        #expect(cells.contains { $0.style.color == .yellow })
        // At 80 columns the end of the line is cut off, but the refusal is readable.
        let usual = view(model, now: .seconds(7), size: Size(columns: 80, rows: 24))
        #expect(usual.text.contains("00:07 the outbound queue is full (1000 places)"))
    }

    @Test("a queue error the client core reports as an event shows its code and words in red")
    func queueErrorEvent() throws {
        var model = sampleModel()
        let full = QueueError.full(capacity: 1000)
        #expect(update(&model, .client(.error(code: full.code, message: full.description)), now: .seconds(7)) == [])
        #expect(model.log.last == Model.LogLine(at: .seconds(7), text: "queue_full: " + Self.words, tone: .red))
        let screen = view(model, now: .seconds(7), size: Size(columns: 120, rows: 30))
        let cells = try #require(rowShowing(screen, showing: "00:07 queue_full: the outbound queue is full"))
        #expect(cells.contains { $0.style.color == .red })
    }
}

@Suite("update → view: the embedded server (F8)")
struct EmbeddedServerTests {
    let size = Size(columns: 80, rows: 24)

    @Test("started: the title names its ports and a green log line says it runs")
    func started() throws {
        var model = sampleModel()
        model.embedded = .stopped
        #expect(update(&model, .key(.function(8)), now: .seconds(5)) == [.toggleEmbeddedServer])
        #expect(update(&model, .embeddedServer(Msg.RunningState(walmart: 3001, grocery: 3002)), now: .seconds(6)) == [])
        #expect(model.embedded == .running(walmart: 3001, grocery: 3002))
        let screen = view(model, now: .seconds(6), size: size)
        let title = rowText(screen.rows[0])
        #expect(title.contains("embedded server on 3001/3002"))
        #expect(!title.contains("stopped"))
        let cells = try #require(rowShowing(screen, showing: "00:06 embedded server running on 3001/3002"))
        #expect(cells.contains { $0.style.color == .green })
    }

    @Test("stopped: the title and a yellow log line say so, and that F8 starts it again")
    func stopped() throws {
        var model = sampleModel()
        model.embedded = .running(walmart: 3001, grocery: 3002)
        #expect(update(&model, .key(.function(8)), now: .seconds(5)) == [.toggleEmbeddedServer])
        #expect(update(&model, .embeddedServer(nil), now: .seconds(9)) == [])
        #expect(model.embedded == .stopped)
        let screen = view(model, now: .seconds(9), size: size)
        let title = rowText(screen.rows[0])
        #expect(title.contains("embedded server stopped (F8 starts it)"))
        #expect(!title.contains("3001/3002"))
        let cells = try #require(rowShowing(screen, showing: "00:09 embedded server stopped (F8 starts it)"))
        #expect(cells.contains { $0.style.color == .yellow })
    }

    @Test("failing to start: a yellow log line says why, and the title still says it is stopped")
    func failedToStart() throws {
        var model = sampleModel()
        model.embedded = .stopped
        #expect(update(&model, .key(.function(8)), now: .seconds(5)) == [.toggleEmbeddedServer])
        // What TUI.run's worker posts when `EmbeddedServerControl.start()` throws.
        let words = "the embedded server could not start: Address already in use (errno: 98)"
        #expect(update(&model, .notice(words), now: .seconds(7)) == [])
        #expect(model.embedded == .stopped)
        #expect(model.log.last == Model.LogLine(at: .seconds(7), text: words, tone: .yellow))
        let screen = view(model, now: .seconds(7), size: size)
        #expect(rowText(screen.rows[0]).contains("embedded server stopped (F8 starts it)"))
        let cells = try #require(rowShowing(screen, showing: "00:07 " + words))
        #expect(cells.contains { $0.style.color == .yellow })
    }

    @Test("F8 with an external server: the log says there is none; the title keeps the server's address")
    func externalServer() {
        var model = sampleModel()
        #expect(update(&model, .key(.function(8)), now: .seconds(5)) == [.toggleEmbeddedServer])
        // What TUI.run's worker posts when the session has no embedded server.
        _ = update(&model, .notice("no embedded server: this session uses an external one"), now: .seconds(5))
        #expect(model.embedded == nil)
        let screen = view(model, now: .seconds(5), size: size)
        #expect(rowText(screen.rows[0]).contains("server 127.0.0.1:3001"))
        #expect(!rowText(screen.rows[0]).contains("embedded"))
        #expect(rowShowing(screen, showing: "00:05 no embedded server: this session uses an external one") != nil)
    }
}
