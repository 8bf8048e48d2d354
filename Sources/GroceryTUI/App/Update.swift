import GroceryClient
import GroceryProtocol

/// Something that happened: a key, a resize, time passing, the client core, the server.
public enum Msg: Sendable, Equatable {
    case key(Key)
    case tick
    case client(ClientEvent)
    /// The embedded server started (ports) or stopped (nil).
    case embeddedServer(RunningState?)
    /// A problem to show in the log.
    case notice(String)

    /// Ports of a running embedded server.
    public struct RunningState: Sendable, Equatable {
        public var walmart: Int
        public var grocery: Int
        public init(walmart: Int, grocery: Int) {
            self.walmart = walmart
            self.grocery = grocery
        }
    }
}

/// What `update` asks the program to do.
public enum Command: Sendable, Equatable {
    /// Send this query.
    case submit(String)
    /// Reconnect both channels now.
    case retryNow
    /// Stop the embedded server if it runs, start it if it does not.
    case toggleEmbeddedServer
    /// Quit.
    case quit
}

/// The whole of the TUI's behaviour: a message in, a new model and commands out.
public func update(_ model: inout Model, _ msg: Msg, now: Duration) -> [Command] {
    switch msg {
    case .tick:
        return []
    case .notice(let text):
        model.note(text, at: now, tone: .yellow)
        return []
    case .embeddedServer(let running):
        if let running {
            model.embedded = .running(walmart: running.walmart, grocery: running.grocery)
            model.note("embedded server running on \(running.walmart)/\(running.grocery)", at: now, tone: .green)
        } else {
            model.embedded = .stopped
            model.note("embedded server stopped (F8 starts it)", at: now, tone: .yellow)
        }
        return []
    case .client(let event):
        apply(event, to: &model, now: now)
        return []
    case .key(let key):
        return press(key, on: &model)
    }
}

private func apply(_ event: ClientEvent, to model: inout Model, now: Duration) {
    switch event {
    case .state(let channel, let state):
        let old = channel == "walmart" ? model.walmart : model.grocery
        if channel == "walmart" { model.walmart = state } else { model.grocery = state }
        guard old.name != state.name || { if case .waiting = state { true } else { false } }() else { return }
        switch state {
        case .connected: model.note("\(channel) connected", at: now, tone: .green)
        case .waiting(let attempt, let retryAt, let error):
            let seconds = max(0, (retryAt - now).seconds)
            model.note("\(channel) \(error); retry \(attempt)/\(model.maxAttempts) in \(Format.seconds(seconds))", at: now, tone: .yellow)
        case .failed(let reason, _): model.note("\(channel) failed: \(reason)", at: now, tone: .red)
        case .closed: model.note("\(channel) closed", at: now)
        case .connecting, .idle: break
        }
    case .result(_, let result):
        model.lastResult = result
        if let error = result.error { model.note("\(error.code.rawValue): \(error.message)", at: now, tone: .red) }
    case .cart(let cart):
        if (model.cart?.version ?? -1) <= cart.version { model.cart = cart }
    case .queued(_, let depth):
        model.queued = depth
        model.note("queued (\(depth) waiting)", at: now)
    case .delivered:
        model.queued = max(0, model.queued - 1)
        model.note("delivered", at: now, tone: .green)
    case .order(_, let orderId, let total):
        model.note("order #\(orderId) placed: \(Format.money(total))", at: now, tone: .green)
    case .rejected(_, let code, let message):
        model.queued = max(0, model.queued - 1)
        model.note("not sent (\(code)): \(message)", at: now, tone: .red)
    case .error(let code, let message):
        model.note("\(code): \(message)", at: now, tone: .red)
    }
}

private func press(_ key: Key, on model: inout Model) -> [Command] {
    if model.showingHelp {
        model.showingHelp = false
        return []
    }
    switch key {
    case .control("c"):
        model.quitting = true
        return [.quit]
    case .control("d") where model.input.text.isEmpty:
        model.quitting = true
        return [.quit]
    case .control("r"), .function(5):
        return [.retryNow]
    case .function(8):
        return [.toggleEmbeddedServer]
    case .function(1):  // F1 types nothing, so it opens help whatever the line holds
        model.showingHelp = true
        return []
    case .character("?") where model.input.text.isEmpty:
        model.showingHelp = true
        return []
    case .tab:
        let all = Model.Focus.allCases
        model.focus = all[(all.firstIndex(of: model.focus)! + 1) % all.count]
        return []
    case .escape:
        model.input.set("")
        model.historyIndex = nil
        return []
    case .up where model.focus != .input, .down where model.focus != .input:
        scroll(key, &model)
        return []
    case .up:
        guard !model.history.isEmpty else { return [] }
        let index = max(0, (model.historyIndex ?? model.history.count) - 1)
        model.historyIndex = index
        model.input.set(model.history[index])
        return []
    case .down:
        guard let index = model.historyIndex else { return [] }
        if index + 1 < model.history.count {
            model.historyIndex = index + 1
            model.input.set(model.history[index + 1])
        } else {
            model.historyIndex = nil
            model.input.set("")
        }
        return []
    case .pageUp, .pageDown:
        scroll(key, &model)
        return []
    case .enter:
        let text = model.input.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        if model.history.last != text { model.history.append(text) }
        model.historyIndex = nil
        model.input.set("")
        return [.submit(text)]
    default:
        _ = model.input.apply(key)
        return []
    }
}

private func scroll(_ key: Key, _ model: inout Model) {
    let step = (key == .pageUp || key == .pageDown) ? 5 : 1
    let up = key == .pageUp || key == .up
    switch model.focus {
    case .cart: model.cartScroll = max(0, min(model.cart?.items.count ?? 0, model.cartScroll + (up ? -step : step)))
    default: model.logScroll = max(0, min(model.log.count, model.logScroll + (up ? step : -step)))  // the log, also from the input line
    }
}

import Foundation
