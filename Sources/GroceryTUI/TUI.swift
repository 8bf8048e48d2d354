import CNcursesw
import Dispatch
import Foundation
import GroceryClient

/// Starts and stops the server this process embeds (the `grocery` command wires in
/// GroceryServer; the TUI only knows this protocol).
public protocol EmbeddedServerControl: Sendable {
    /// Starts the server; returns its ports.
    func start() async throws -> Msg.RunningState
    /// Stops it gracefully (clients are told to reconnect).
    func stop() async
}

/// Runs the terminal UI until the user quits or a signal arrives, then gives the
/// terminal back. Throws ``TerminalError`` when there is no usable terminal.
public enum TUI {
    public static func run(
        client: GroceryClient, model: Model, clock: any ClientClock, server: (any EmbeddedServerControl)?
    ) async throws {
        let inbox = Inbox()
        let serverRunning = ServerFlag(server != nil)
        let commands = AsyncStream<Command>.makeStream()
        // The UI thread creates the terminal, runs the loop and ends the terminal: every
        // ncurses call happens on it. It reports "ready" (or why not), then "finished".
        let phases = AsyncStream<(any Error)?>.makeStream()
        // Installed before curses starts, so curses leaves SIGWINCH to us: the signal can
        // land on any thread, and only the inbox's pipe reliably wakes the UI thread.
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH)
        resize.setEventHandler { inbox.postResize() }
        resize.resume()
        defer { resize.cancel() }
        // SIGTSTP too: curses installs a handler of its own when it finds the default
        // action, and that handler would call curses from whichever thread the signal
        // lands on. A stop asked from outside (kill -TSTP) suspends as Ctrl-Z does.
        signal(SIGTSTP, SIG_IGN)
        let stop = DispatchSource.makeSignalSource(signal: SIGTSTP)
        stop.setEventHandler { inbox.post(.key(.control("z"))) }
        stop.resume()
        defer { stop.cancel() }
        let thread = Thread {
            let terminal: Terminal
            do {
                terminal = try Terminal()
            } catch {
                phases.continuation.yield(error)
                phases.continuation.finish()
                return
            }
            installCrashHandlers()
            phases.continuation.yield(nil)
            let loop = TerminalLoop(terminal: terminal, inbox: inbox, model: model, clock: clock) { command in
                commands.continuation.yield(command)
            }
            loop.run()
            terminal.end()
            phases.continuation.finish()
        }
        thread.name = "grocery-ui"
        thread.start()
        var phase = phases.stream.makeAsyncIterator()
        if case .some(.some(let error)) = await phase.next() {
            throw error
        }
        let signals = [SIGTERM, SIGINT, SIGHUP].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { inbox.post(.key(.control("c"))) }
            source.resume()
            return source
        }
        let events = Task {
            for await event in client.events { inbox.post(.client(event)) }
        }
        let worker = Task {
            for await command in commands.stream {
                switch command {
                case .submit(let text):
                    do { try await client.submit(text) } catch { inbox.post(.notice("\(error)")) }
                case .change(let change):
                    do {
                        try await client.send(change.action, productId: change.productId, quantity: change.quantity, unit: change.unit)
                    } catch { inbox.post(.notice("\(error)")) }
                case .swap(let item, let replacement):
                    do { try await client.swap(item, to: replacement) } catch { inbox.post(.notice("\(error)")) }
                case .confirm(let id, let result):
                    do { try await client.confirm(id, result) } catch { inbox.post(.notice("\(error)")) }
                case .undo(let changes):
                    do { try await client.send(changes) } catch { inbox.post(.notice("\(error)")) }
                case .showOrders:
                    do { try await client.requestOrders() } catch { inbox.post(.notice("\(error)")) }
                case .retryNow:
                    await client.retryNow()
                case .toggleEmbeddedServer:
                    guard let server else {
                        inbox.post(.notice("no embedded server: this session uses an external one"))
                        continue
                    }
                    if serverRunning.value {
                        await server.stop()
                        serverRunning.value = false
                        inbox.post(.embeddedServer(nil))
                    } else {
                        do {
                            inbox.post(.embeddedServer(try await server.start()))
                            serverRunning.value = true
                        } catch {
                            inbox.post(.notice("the embedded server could not start: \(error)"))
                        }
                    }
                case .quit, .suspend:
                    break  // the UI thread does both itself
                }
            }
        }
        await client.start()
        while await phase.next() != nil {}  // until the UI thread finished
        commands.continuation.finish()
        await worker.value
        signals.forEach { $0.cancel() }
        await client.close()
        await events.value
        if serverRunning.value { await server?.stop() }
    }

    /// On a crash, give the terminal back before dying (best effort).
    private static func installCrashHandlers() {
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(number) { received in
                endwin()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}

/// Whether the embedded server runs; changed only by the command worker.
final class ServerFlag: Sendable {
    private let state: Mutex<Bool>
    init(_ value: Bool) { state = Mutex(value) }
    var value: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

import Synchronization
