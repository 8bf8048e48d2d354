import ArgumentParser
import Foundation
import GroceryClient
import GroceryServer
import GroceryTUI
import Logging

/// `grocery` / `grocery tui`: the terminal UI.
struct TUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "The terminal UI (the default command).",
        discussion: """
            With no --walmart-url/--grocery-url it uses a grocery server already answering
            GET /health on 127.0.0.1:3001, or else starts one in this process on 3001/3002
            (free ports if those are taken) and says so in the title. F8 stops and starts
            that embedded server. Logs go to --log-file, never to the screen.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Log file. (env: GROCERY_LOG_FILE, default $XDG_STATE_HOME/grocery/grocery.log)")
    var logFile: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(0) == 1, isatty(1) == 1 else {
            Output.standardError("grocery: standard input and output must be a terminal; for scripts use `grocery pipe`\n")
            throw ExitCode.usage
        }
        var configuration = try client.configuration(environment: environment)
        // The TUI asks before what it is not sure of, and always before clear and checkout.
        configuration.confirmation = Confirmation(always: [.clear, .checkout])
        let logger = try FileLog.logger(path: logFile ?? environment["GROCERY_LOG_FILE"] ?? FileLog.defaultPath(environment: environment))
        let explicitURLs = client.walmartUrl != nil || client.groceryUrl != nil
            || environment["GROCERY_WALMART_URL"] != nil || environment["GROCERY_GROCERY_URL"] != nil

        var embedded: EmbeddedServer?
        let note = "server \(URLComponents(string: configuration.walmartURL)?.host ?? "?"):\(URLComponents(string: configuration.walmartURL)?.port ?? 0)"
        var initialServerState: Model.EmbeddedServer?
        if !explicitURLs, await !HealthProbe.answers(host: "127.0.0.1", port: 3001) {
            let server = EmbeddedServer(logger: logger)
            let ports = try await server.start()
            configuration.walmartURL = "ws://127.0.0.1:\(ports.walmart)/ws/walmart"
            configuration.groceryURL = "ws://127.0.0.1:\(ports.grocery)/ws/grocery"
            initialServerState = .running(walmart: ports.walmart, grocery: ports.grocery)
            embedded = server
        }

        let clock = AnyClientClock(ContinuousClock())
        let core: GroceryClient
        do {
            core = try GroceryClient(configuration: configuration, clock: clock)
        } catch {
            await embedded?.stop()
            Output.standardError("grocery: \(error.description)\n")  // not a usage error: no usage text
            throw ExitCode.usage
        }
        var model = Model(
            user: configuration.userId, session: core.sessionId, serverNote: note, maxAttempts: configuration.channel.policy.maxAttempts,
            embedded: initialServerState)
        // A queue left by an earlier run (kill -9, no network) counts from the start.
        model.queued = await core.pendingCount
        model.pendingChanges = await core.pendingChanges.map { Model.PendingChange(command: $0) }
        do {
            try await TUI.run(client: core, model: model, clock: clock, server: embedded)
        } catch let error as TerminalError {
            await core.close()
            await embedded?.stop()
            Output.standardError("grocery: \(error)\n")
            throw ExitCode.usage
        }
    }
}

/// The server the TUI runs in-process when none is answering: 3001/3002 first, free
/// ports if those are taken; the same ports again after F8 stops and starts it.
final class EmbeddedServer: EmbeddedServerControl {
    private let logger: Logger
    private let state = Mutex<(server: GroceryServer?, task: Task<Void, any Error>?, ports: RunningPorts?)>((nil, nil, nil))

    init(logger: Logger) {
        self.logger = logger
    }

    func start() async throws -> Msg.RunningState {
        let chosen = state.withLock { $0.ports }
        let attempts: [(Int, Int)] = chosen.map { [($0.walmart, $0.grocery)] } ?? [(3001, 3002), (0, 0)]
        var lastError: (any Error)?
        for (walmart, grocery) in attempts {
            var configuration = ServerConfiguration()
            configuration.walmartPort = walmart
            configuration.groceryPort = grocery
            configuration.shutdownGrace = .seconds(2)
            let server = try GroceryServer(configuration: configuration, logger: logger)
            let (ready, readyContinuation) = AsyncStream<RunningPorts>.makeStream()
            let task = Task {
                defer { readyContinuation.finish() }
                try await server.run(gracefulShutdownSignals: []) { ports in readyContinuation.yield(ports) }
            }
            var iterator = ready.makeAsyncIterator()
            if let ports = await iterator.next() {
                state.withLock { $0 = (server, task, ports) }
                return Msg.RunningState(walmart: ports.walmart, grocery: ports.grocery)
            }
            do { try await task.value } catch { lastError = error }
        }
        throw lastError ?? ValidationError("the embedded server did not start")
    }

    func stop() async {
        let (server, task) = state.withLock { ($0.server, $0.task) }
        await server?.shutdown()
        _ = try? await task?.value
        state.withLock { $0.server = nil; $0.task = nil }
    }
}

/// Is a grocery server answering `GET /health` there?
enum HealthProbe {
    static func answers(host: String, port: Int) async -> Bool {
        guard let url = URL(string: "http://\(host):\(port)/health") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = 1
        guard let (data, response) = try? await URLSession.shared.data(for: request),
            (response as? HTTPURLResponse)?.statusCode == 200,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["status"] != nil && object["connections"] != nil
    }
}

import Synchronization
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
