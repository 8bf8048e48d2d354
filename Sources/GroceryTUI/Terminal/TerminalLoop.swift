import CNcursesw
import Foundation
import GroceryClient

/// The one thread that talks to ncurses: it waits in `poll()` on the keyboard and the
/// inbox's wake-up pipe, turns keys and inbox messages into `Msg`s, updates the model,
/// and draws when something changed. While a countdown is on screen it wakes ten times
/// a second; otherwise it sleeps until something happens (near-zero CPU when idle).
final class TerminalLoop {
    private let terminal: Terminal
    private let inbox: Inbox
    private let clock: any ClientClock
    private let perform: @Sendable (Command) -> Void
    private var model: Model

    init(terminal: Terminal, inbox: Inbox, model: Model, clock: any ClientClock, perform: @escaping @Sendable (Command) -> Void) {
        self.terminal = terminal
        self.inbox = inbox
        self.model = model
        self.clock = clock
        self.perform = perform
    }

    func run() {
        var size = terminal.size
        var lastDrawn: Screen?
        while !model.quitting {
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
            let timeout: Int32 = model.isCountingDown ? 100 : -1
            let ready = poll(&fds, 2, timeout)
            var messages: [Msg] = []
            for key in terminal.readKeys() {
                if let key {
                    messages.append(.key(key))
                } else {
                    size = terminal.size
                    terminal.invalidate()
                    lastDrawn = nil
                }
            }
            if inbox.takeResize() {
                terminal.refreshSize()
                size = terminal.size
                lastDrawn = nil
            }
            messages += inbox.drain()
            if ready == 0 { messages.append(.tick) }
            for message in messages {
                for command in update(&model, message, now: clock.now) {
                    guard command == .suspend else {
                        perform(command)
                        continue
                    }
                    terminal.suspend()  // returns once the shell continued us (`fg`)
                    size = terminal.size
                    lastDrawn = nil
                }
            }
            let screen = view(model, now: clock.now, size: size, colors: terminal.colors)
            if screen != lastDrawn {
                terminal.draw(screen)
                lastDrawn = screen
            }
        }
    }
}
