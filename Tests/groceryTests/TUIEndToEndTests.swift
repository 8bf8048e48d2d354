import Foundation
import GroceryNLP
import GroceryTestSupport
import Testing

/// The real `grocery` binary in a real terminal (tmux), against a real server process.
final class TmuxSession: Sendable {
    let socket = "grocery-test-\(UUID().uuidString.prefix(8))"
    let name = "tui"

    /// Runs a tmux command and returns what it printed. Spawned with posix_spawn and
    /// reaped with waitpid: the first call starts tmux's server, which daemonizes, and
    /// Foundation's Process did not reliably notice its client exit.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The tmux server lives on after this call: it must not keep copies of this
        // process's descriptors (sockets of other tests), so a shell closes them first.
        let closeAll = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec tmux "$@""#
        let argv = (["bash", "-c", closeAll, "bash", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // tmux's server hands its environment to the TUI: only what Launch passes any child.
        let environment = Launch.inherited.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "bash", &actions, nil, argv, environment) == 0 else {
            throw TestFailure("cannot run tmux (is it installed?)")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func start(_ command: String, columns: Int = 100, rows: Int = 30) async throws {
        try await run(["-u", "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", command])
    }

    /// Runs a tmux command on a thread of its own (it blocks in waitpid).
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.tmux(arguments) }) }.start()
        }
    }

    func screen() async throws -> String { try await run(["capture-pane", "-p", "-t", name]) }
    /// The terminal's cursor column, as tmux has it.
    func cursorColumn() async throws -> Int? {
        Int(try await run(["display-message", "-p", "-t", name, "#{cursor_x}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    func keys(_ keys: String...) async throws { try await run(["send-keys", "-t", name] + keys) }
    func resize(columns: Int, rows: Int) async throws { try await run(["resize-window", "-t", name, "-x", "\(columns)", "-y", "\(rows)"]) }
    /// Ends the panes' process groups and the tmux server (`kill-server` alone left
    /// servers behind on this machine's tmux 3.3a). Synchronous, from a `defer`: it holds
    /// a thread for three short tmux calls, but done on a thread of its own it could be
    /// cut short by the test process's exit and leave the server running (seen). The
    /// suite is `.heavy`, so no timed test runs beside it.
    func kill() {
        let panes = (try? tmux(["list-panes", "-a", "-F", "#{pane_pid}"])) ?? ""
        let server = (try? tmux(["display-message", "-p", "#{pid}"])) ?? ""
        for pane in panes.split(separator: "\n").compactMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }) {
            Foundation.kill(-pane, SIGKILL)
        }
        if let pid = Int32(server.trimmingCharacters(in: .whitespacesAndNewlines)) { Foundation.kill(pid, SIGKILL) }
        _ = try? tmux(["kill-server"])
    }

    /// Waits (real time, bounded) until the screen satisfies `matches`; returns it.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ matches: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if matches(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("screen never showed \(what):\n\(last)")
    }
}

@Suite("TUI end to end (tmux)", .heavy)
struct TUIEndToEndTests {
    /// A fresh folder for a run's database, queue and log.
    static func scratch() throws -> URL {
        scratchFolder("tui")
    }

    /// `grocery serve`'s arguments on these ports, with its database in `folder`.
    static func serveArguments(_ walmartPort: Int, _ groceryPort: Int, _ folder: URL) -> [String] {
        ["--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", folder.appendingPathComponent("db.sqlite").path]
    }

    /// The shell command that runs the TUI against these channels, its files in `folder`.
    static func tuiCommand(walmartPort: Int, groceryPort: Int, user: String, folder: URL, _ options: [String]) -> String {
        ([
            GroceryProcess.executable.path, "--walmart-url", "ws://127.0.0.1:\(walmartPort)/ws/walmart",
            "--grocery-url", "ws://127.0.0.1:\(groceryPort)/ws/grocery", "--user-id", user,
            "--queue-file", folder.appendingPathComponent("q.json").path, "--log-file", folder.appendingPathComponent("log").path,
        ] + options).joined(separator: " ")
    }

    @Test("type a query, see result and cart; server dies: countdown falls; restart + Ctrl-R: connected; resize; quit with exit 0")
    func session() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let serverArguments = Self.serveArguments(walmartPort, groceryPort, folder)
        var server = try await ServeProcess.start(serverArguments, fixedPorts: true)
        let tmux = TmuxSession()
        defer { tmux.kill() }
        // Every wait a minute long: after the restart only Ctrl-R can connect in time.
        let command = Self.tuiCommand(
            walmartPort: walmartPort, groceryPort: groceryPort, user: "e2e", folder: folder,
            ["--initial-delay-ms", "60000", "--max-delay-ms", "60000", "--no-jitter"])
        try await tmux.start("TERM=xterm-256color \(command); echo EXIT=$?; sleep 60")

        try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }
        try await tmux.keys("add 3 bananas", "Enter")
        let withCart = try await tmux.waitFor("the cart") { $0.contains("Cart v1") && $0.contains("Bananas") }
        #expect(withCart.contains("\"add 3 bananas\" → add"))

        server.signal(SIGKILL)
        _ = try await server.exitStatus(within: .seconds(15))
        func remaining(_ screen: String) -> (seconds: Double, attempt: String)? {
            guard let range = screen.range(of: #"reconnecting in [0-9.]+ s \(attempt [0-9]+"#, options: .regularExpression) else { return nil }
            let parts = screen[range].split(separator: " ")
            return Double(parts[2]).map { ($0, String(parts[5])) }
        }
        // Two readings of one wait (a loaded machine may see the attempt end between them:
        // then the next wait is read again).
        var readings: [(seconds: Double, attempt: String)] = []
        for _ in 0..<5 {
            let first = try await tmux.waitFor("a countdown") { remaining($0) != nil }
            try await Task.sleep(for: .milliseconds(300))
            guard let before = remaining(first), let after = remaining(try await tmux.screen()) else { continue }
            readings = [before, after]
            if before.attempt == after.attempt { break }
        }
        try #require(readings.count == 2 && readings[0].attempt == readings[1].attempt, "\(readings)")
        #expect(readings[1].seconds < readings[0].seconds)  // the countdown falls on its own

        server = try await ServeProcess.start(serverArguments, fixedPorts: true)
        let beforeRetry = try #require(remaining(try await tmux.screen()), "no countdown before Ctrl-R")
        #expect(beforeRetry.seconds > 30, "the natural retry is too near to tell Ctrl-R from it")
        try await tmux.keys("C-r")
        try await tmux.waitFor("both reconnected after Ctrl-R", timeout: .seconds(20)) {
            $0.contains("● walmart connected") && $0.contains("● grocery connected")
        }

        try await tmux.resize(columns: 70, rows: 20)
        try await tmux.waitFor("the narrow layout") { screen in
            screen.split(separator: "\n").first?.contains("grocery · e2e") == true && screen.contains("─ Cart")
        }
        try await tmux.resize(columns: 40, rows: 10)
        try await tmux.waitFor("too small") { $0.contains("terminal too small: 40×10") }
        try await tmux.resize(columns: 100, rows: 30)
        try await tmux.waitFor("full size again") { $0.contains("● walmart connected") }

        try await tmux.keys("C-c")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    /// The rows of the screen's cart pane.
    static func cartRows(_ screen: String) -> [Substring] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("─ Cart") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("─ Log") })
    }

    /// Issue 32: the TUI kept the highest version it had seen, so a server on a fresh
    /// database (versions from 0 again) was ignored for good. A new epoch is the truth.
    @Test("the server restarts on a fresh database: the TUI shows the cart the server now holds, and its changes")
    func freshDatabase() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fresh = folder.appendingPathComponent("fresh", isDirectory: true)
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        var server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, folder), fixedPorts: true)
        let tmux = TmuxSession()
        defer { tmux.kill() }
        let command = Self.tuiCommand(
            walmartPort: walmartPort, groceryPort: groceryPort, user: "epoch", folder: folder,
            ["--initial-delay-ms", "200", "--max-delay-ms", "500", "--max-attempts", "1000", "--no-jitter"])
        try await tmux.start("TERM=xterm-256color \(command); echo EXIT=$?; sleep 60")
        try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }
        try await tmux.keys("add 3 bananas", "Enter")
        try await tmux.waitFor("the first change") { $0.contains("Cart v1") }
        try await tmux.keys("add 2 limes", "Enter")
        try await tmux.waitFor("the second change") { $0.contains("Cart v2 · 2 items") }

        server.signal(SIGKILL)
        _ = try await server.exitStatus(within: .seconds(15))
        try await tmux.waitFor("the grocery channel down") { !$0.contains("● grocery connected") }
        server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, fresh), fixedPorts: true)
        try await tmux.waitFor("the fresh server's empty cart", timeout: .seconds(30)) {
            $0.contains("● grocery connected") && $0.contains("Cart v0 · 0 items")
        }
        try await tmux.keys("add 1 lemon", "Enter")
        let after = try await tmux.waitFor("the fresh server's first change") { $0.contains("Cart v1 · 1 item") }
        let rows = Self.cartRows(after).joined(separator: "\n")
        #expect(rows.contains("Lemons") && !rows.contains("Bananas") && !rows.contains("Limes"), "\(after)")
        try await tmux.keys("C-c")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("keyboard shopping with the grocery channel down: Tab ↓ Enter swaps the product, + adds one, markers show; back up: applied once; Delete removes the line")
    func keyboardShopping() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, folder), fixedPorts: true)
        let relay = try await TCPRelay.start(to: groceryPort)  // the grocery channel goes through it
        let tmux = TmuxSession()
        defer { tmux.kill() }
        let command = Self.tuiCommand(
            walmartPort: walmartPort, groceryPort: relay.port, user: "kb", folder: folder,
            ["--initial-delay-ms", "200", "--max-delay-ms", "500", "--max-attempts", "1000", "--no-jitter"])
        try await tmux.start("TERM=xterm-256color \(command); echo EXIT=$?; sleep 60", columns: 100, rows: 30)
        try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }

        // What the parser offers for the query: the first choice and the one below it.
        let item = try #require(NLPParser().parse("add milk").items.first)
        let (first, second) = (try #require(item.product).name, try #require(item.alternatives.first).name)
        let cartRows = Self.cartRows

        await relay.stop()
        try await tmux.waitFor("the grocery channel down") { !$0.contains("● grocery connected") }
        try await tmux.keys("add milk", "Enter")
        try await tmux.waitFor("the result list and the queued line") { screen in
            screen.contains("✓ 1. \(first)") && cartRows(screen).contains { $0.contains("1 × \(first)") && $0.contains("… queued") }
        }
        try await tmux.keys("Tab", "Down", "Enter")
        try await tmux.waitFor("the swap, queued") { screen in
            let rows = cartRows(screen)
            return screen.contains("✓ 2. \(second)") && rows.contains { $0.contains("1 × \(second)") && $0.contains("… queued") }
                && !rows.contains { $0.contains(first) }
        }
        try await tmux.keys("Tab", "+")
        let offline = try await tmux.waitFor("one more, queued") { screen in
            cartRows(screen).contains { $0.contains("2 × \(second)") && $0.contains("… queued") } && screen.contains("4 changes waiting")
        }
        #expect(offline.contains("waiting for the network: add 1 × \(second)"))

        try await relay.start()
        let applied = try await tmux.waitFor("the changes applied") { screen in
            let rows = cartRows(screen)
            return rows.contains { $0.contains("2 × \(second)") && !$0.contains("…") } && !rows.contains { $0.contains(first) }
                && screen.contains("Cart v4 · 1 item") && !screen.contains("waiting ─")
        }
        #expect(applied.contains("added 1 × \(first)") && applied.contains("removed 1 × \(first)"))
        try await tmux.keys("DC")  // Delete, the cart still focused
        try await tmux.waitFor("the line gone") { screen in
            screen.contains("Cart v5 · 0 items") && !cartRows(screen).contains { $0.contains(second) } && screen.contains("removed \(second)")
        }
        try await tmux.keys("Escape", "C-c")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        await relay.stop()
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("a low-confidence removal asks: Esc leaves the cart alone, Enter applies it once, Ctrl-/ puts the line back")
    func confirmAndUndo() async throws {
        let unsure = PipeUnsureTests.unsure
        let understood = NLPParser().parse(unsure)
        try #require(understood.intent == .remove && understood.error == nil && !understood.isSure, "the shipped model reads this line otherwise: pick another")
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, folder), fixedPorts: true)
        let tmux = TmuxSession()
        defer { tmux.kill() }
        let command = Self.tuiCommand(walmartPort: walmartPort, groceryPort: groceryPort, user: "ask", folder: folder, [])
        try await tmux.start("TERM=xterm-256color \(command); echo EXIT=$?; sleep 60", columns: 100, rows: 30)
        try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }

        try await tmux.keys("add 2 lays classic potato chips", "Enter")
        try await tmux.waitFor("the chips in the cart") { $0.contains("Cart v1 · 1 item") && $0.contains("2 × ") }
        try await tmux.keys(unsure, "Enter")
        try await tmux.waitFor("the question") { $0.contains("? Enter confirms · Esc cancels") && $0.contains("remove ") }
        try await tmux.keys("Escape")
        try await tmux.waitFor("the question answered no") { $0.contains("not done: remove ") && !$0.contains("? Enter confirms") }
        #expect(try await PipeCommandTests.cart(of: "ask", port: groceryPort).version == 1)

        try await tmux.keys(unsure, "Enter")
        try await tmux.waitFor("the question again") { $0.contains("? Enter confirms · Esc cancels") }
        try await tmux.keys("Enter")
        try await tmux.waitFor("the line removed") { $0.contains("Cart v2 · 0 items") }
        try await tmux.keys("Enter")  // an empty line: nothing to send, nothing to confirm
        try await tmux.keys("C-_")  // Ctrl-/ and Ctrl-_ are the same byte
        let undone = try await tmux.waitFor("the line back") { $0.contains("Cart v3 · 1 item") && $0.contains("undo: removed") }
        #expect(undone.contains("2 × "))
        let cart = try await PipeCommandTests.cart(of: "ask", port: groceryPort)
        #expect(cart.version == 3 && cart.items.map(\.productId) == ["chips-lays-classic"] && cart.items.first?.quantity == 2, "\(cart)")

        try await tmux.keys("C-c")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    /// Issue 32: a ZWJ emoji sequence typed in the input line broke the footer for good:
    /// the grid measured it at 2 columns, the terminal drew more.
    @Test("emoji sequences in the input line: the cursor is where the terminal drew to, the footer stays intact, and after deleting them too")
    func emojiInInput() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, folder), fixedPorts: true)
        let tmux = TmuxSession()
        defer { tmux.kill() }
        let command = Self.tuiCommand(walmartPort: walmartPort, groceryPort: groceryPort, user: "emoji", folder: folder, [])
        try await tmux.start("TERM=xterm-256color \(command); echo EXIT=$?; sleep 60", columns: 100, rows: 30)
        let before = try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }
        func footer(_ screen: String) -> Substring? { screen.split(separator: "\n").last { $0.contains("Ctrl-C quit") } }
        let intact = try #require(footer(before))
        try await tmux.run(["send-keys", "-t", tmux.name, "-l", "👨‍👩‍👧 family 👍🏽 ❤️ 🇺🇸 qq"])
        let typed = try await tmux.waitFor("the line typed") { $0.contains("family") && $0.contains("qq") }
        #expect(footer(typed) == intact, "\(typed)")
        // 2 columns of prompt, then 6 + 1 + 6 + 1 + 4 + 1 + 1 + 1 + 2 + 1 + 2.
        #expect(try await tmux.cursorColumn() == 2 + 26)
        for _ in 0..<3 { try await tmux.keys("BSpace") }  // " qq" goes; the emoji stay
        let shorter = try await tmux.waitFor("the qq deleted") { !$0.contains("qq") && $0.contains("family") }
        #expect(footer(shorter) == intact, "\(shorter)")
        #expect(try await tmux.cursorColumn() == 2 + 23)
        try await tmux.keys("C-u")
        let cleared = try await tmux.waitFor("the line cleared") { !$0.contains("family") }
        #expect(footer(cleared) == intact, "\(cleared)")
        try await tmux.keys("C-c")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    /// Issue 32: Ctrl-Z was swallowed. A terminal program gives the terminal back on
    /// suspend and redraws on `fg`, as vim and htop do.
    @Test("Ctrl-Z gives the terminal back to the shell as a stopped job; fg redraws it, and it still works")
    func suspendAndResume() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let server = try await ServeProcess.start(Self.serveArguments(walmartPort, groceryPort, folder), fixedPorts: true)
        let tmux = TmuxSession()
        defer { tmux.kill() }
        // An interactive shell: job control is the shell's.
        try await tmux.start("bash --norc --noprofile -i")
        try await tmux.waitFor("the shell") { $0.contains("$") || $0.contains("#") }
        let command = Self.tuiCommand(walmartPort: walmartPort, groceryPort: groceryPort, user: "tstp", folder: folder, [])
        try await tmux.run(["send-keys", "-t", tmux.name, "-l", "TERM=xterm-256color \(command); echo EXIT=$?"])
        try await tmux.keys("Enter")
        try await tmux.waitFor("both channels connected") { $0.contains("● walmart connected") && $0.contains("● grocery connected") }
        try await tmux.keys("add 2 limes")
        try await tmux.waitFor("the line typed") { $0.contains("add 2 limes") }

        try await tmux.keys("C-z")
        let stopped = try await tmux.waitFor("the shell with a stopped job") { $0.contains("Stopped") }
        #expect(!stopped.contains("Ctrl-C quit"), "the TUI's screen is still up:\n\(stopped)")
        try await tmux.run(["send-keys", "-t", tmux.name, "-l", "fg"])
        try await tmux.keys("Enter")
        try await tmux.waitFor("the TUI redrawn, the line kept") { screen in
            screen.contains("● walmart connected") && screen.contains("Ctrl-C quit") && screen.contains("add 2 limes")
        }
        try await tmux.keys("Enter")
        try await tmux.waitFor("the query answered after resuming") { $0.contains("Cart v1") && $0.contains("Limes") }
        try await tmux.keys("C-c")
        // bash drops the rest of a command list whose job was stopped: ask for fg's status.
        try await tmux.waitFor("the terminal given back") { !$0.contains("Ctrl-C quit") }
        try await tmux.run(["send-keys", "-t", tmux.name, "-l", "echo EXIT=$?"])
        try await tmux.keys("Enter")
        try await tmux.waitFor("the shell back with exit 0") { $0.contains("EXIT=0") }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("an unknown TERM is a clear error with exit code 2")
    func unknownTerm() async throws {
        let tmux = TmuxSession()
        defer { tmux.kill() }
        try await tmux.start("TERM=no-such-terminal \(GroceryProcess.executable.path) --walmart-url ws://127.0.0.1:9/ws --grocery-url ws://127.0.0.1:9/ws --queue-file \(FileManager.default.temporaryDirectory.path)/grocery-term-\(UUID().uuidString).json; echo EXIT=$?; sleep 60")
        let screen = try await tmux.waitFor("the exit") { $0.contains("EXIT=") }
        #expect(screen.contains("unknown terminal type TERM=no-such-terminal"))
        #expect(screen.contains("EXIT=2"))
    }
}
