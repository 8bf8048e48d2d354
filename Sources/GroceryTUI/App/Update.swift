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
    /// Queue this cart message (a cart edit, a search pick).
    case change(CartChange)
    /// Put `replacement` in the cart instead of what `item` added, in the same amount.
    case swap(item: NLPItem, to: ProductSummary)
    /// Apply a result the shopper confirmed.
    case confirm(id: String, NLPResult)
    /// Queue these changes as one (they take back the last change).
    case undo([CartChange])
    /// Ask the server for the latest orders.
    case showOrders
    /// Reconnect both channels now.
    case retryNow
    /// Stop the embedded server if it runs, start it if it does not.
    case toggleEmbeddedServer
    /// Give the terminal back and stop (Ctrl-Z, SIGTSTP), as a shell's job; redraw on `fg`.
    /// Done by the UI thread itself: it owns the terminal.
    case suspend
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
        return press(key, on: &model, now: now)
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
        model.question = nil
        (model.receipt, model.orders, model.swappedTo, model.resultSelection) = (nil, nil, nil, 0)
        if let error = result.error { model.note("\(error.code.rawValue): \(error.message)", at: now, tone: .red) }
    case .cart(let cart):
        // The newest of this history; another epoch (a fresh server database) is the truth.
        if model.cart?.isSupersededBy(cart) ?? true { model.cart = cart }
        model.cartSelection = min(model.cartSelection, max(0, CartEntry.of(model).count - 1))
    case .queued(_, let depth, let command?):
        model.queued = depth
        let product = command.productId.flatMap { ShopperWords.product($0, in: model) }
        let change = Model.PendingChange(command: command, name: product?.name, unit: product?.unit, pieceWeight: product?.pieceWeight)
        model.pendingChanges.append(change)
        // Bookkeeping reaches the log only when the change has to wait for the network.
        if !model.grocery.isConnected, ![.get, .orders].contains(command.action) {
            model.note("waiting for the network: \(ShopperWords.waiting(change))", at: now, tone: .yellow)
        }
    case .queued(_, let depth, nil):
        model.queued = depth
        if !model.walmart.isConnected { model.note("waiting for the network: your request is queued (\(depth) waiting)", at: now, tone: .yellow) }
    case .held(let id, let result):
        model.question = Model.Question(id: id, result: result)
    case .changed(let commands):
        let words = commands.compactMap { command in
            model.pendingChanges.last { $0.command.id == command.id }.flatMap(ShopperWords.done)
        }
        model.lastChange = Model.LastChange(commands: commands, cartBefore: model.cart, words: words.joined(separator: ", "))
    case .delivered(let id):
        model.queued = max(0, model.queued - 1)
        if let index = model.pendingChanges.firstIndex(where: { $0.command.id == id }) {
            var change = model.pendingChanges.remove(at: index)
            // A change left by an earlier run was queued before its name was known.
            if change.name == nil, let product = change.command.productId.flatMap({ ShopperWords.product($0, in: model) }) {
                (change.name, change.unit, change.pieceWeight) = (product.name, product.unit, product.pieceWeight)
            }
            if let words = ShopperWords.done(change) { model.note(words, at: now, tone: .green) }
        }
    case .order(_, let receipt):
        (model.receipt, model.orders) = (receipt, nil)
        let count = "\(receipt.itemCount) item\(receipt.itemCount == 1 ? "" : "s")"
        model.note("order #\(receipt.orderId) placed: \(count), \(Format.money(receipt.total))", at: now, tone: .green)
    case .orders(_, let receipts):
        (model.orders, model.receipt) = (receipts, nil)
    case .rejected(let id, let code, let message):
        model.queued = max(0, model.queued - 1)
        let change = model.pendingChanges.firstIndex { $0.command.id == id }.map { model.pendingChanges.remove(at: $0) }
        let what = change.map { "\(ShopperWords.waiting($0)): " } ?? ""
        model.note("not done: \(what)\(message) (\(code))", at: now, tone: .red)
    case .error(let code, let message):
        model.note("\(code): \(message)", at: now, tone: .red)
    }
}

private func press(_ key: Key, on model: inout Model, now: Duration) -> [Command] {
    if model.showingHelp {
        model.showingHelp = false
        return []
    }
    if let question = model.question {
        let typing = !model.input.text.trimmingCharacters(in: .whitespaces).isEmpty
        switch key {
        case .enter where !typing:
            model.question = nil
            return [.confirm(id: question.id, question.result)]
        case .escape, .enter:
            // Esc, or a new line sent instead: the question is answered no.
            model.question = nil
            model.note("not done: \(ShopperWords.question(question.result, cart: model.cart))", at: now, tone: .yellow)
            if key == .escape { return [] }
        default:
            break
        }
    }
    switch key {
    case .control("/"):
        return undo(&model, now: now)
    case .control("c"):
        model.quitting = true
        return [.quit]
    case .control("d") where model.input.text.isEmpty:
        model.quitting = true
        return [.quit]
    case .control("z"):
        return [.suspend]
    case .control("r"), .function(5):
        return [.retryNow]
    case .function(8):
        return [.toggleEmbeddedServer]
    case .function(2):
        return [.showOrders]
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
    case .escape where model.focus != .input:
        model.focus = .input
        return []
    case .escape:
        model.input.set("")
        model.historyIndex = nil
        return []
    case .pageUp, .pageDown:
        scrollLog(key, &model)
        return []
    default:
        switch model.focus {
        case .input: return pressInInput(key, &model)
        case .result: return pressInResult(key, &model)
        case .cart: return pressInCart(key, &model)
        case .log: return pressInLog(key, &model)
        }
    }
}

private func pressInInput(_ key: Key, _ model: inout Model) -> [Command] {
    switch key {
    case .up:
        guard !model.history.isEmpty else { return [] }
        let index = max(0, (model.historyIndex ?? model.history.count) - 1)
        model.historyIndex = index
        model.input.set(model.history[index])
    case .down:
        guard let index = model.historyIndex else { return [] }
        if index + 1 < model.history.count {
            model.historyIndex = index + 1
            model.input.set(model.history[index + 1])
        } else {
            model.historyIndex = nil
            model.input.set("")
        }
    case .enter:
        let text = model.input.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        if model.history.last != text { model.history.append(text) }
        model.historyIndex = nil
        model.input.set("")
        return [.submit(text)]
    default:
        _ = model.input.apply(key)
    }
    return []
}

/// Takes back the last change: its inverse, queued as a change of its own (so a second
/// undo puts it back again).
private func undo(_ model: inout Model, now: Duration) -> [Command] {
    guard let change = model.lastChange else {
        model.note("nothing to undo", at: now, tone: .yellow)
        return []
    }
    model.lastChange = nil
    let inverse = Undo.inverse(of: change.commands, before: change.cartBefore)
    guard !inverse.isEmpty else {
        model.note("cannot undo: \(change.words)", at: now, tone: .yellow)
        return []
    }
    model.note("undo: \(change.words.isEmpty ? "the last change" : change.words)", at: now)
    return [.undo(inverse)]
}

/// ↑/↓ select, Enter swaps (an add) or adds (a search); typing goes back to the line.
private func pressInResult(_ key: Key, _ model: inout Model) -> [Command] {
    let choices = ResultChoices.of(model)
    let count = choices.choices.count
    switch key {
    case .up, .down:
        model.resultSelection = moved(model.resultSelection, by: key, among: count)
    case .enter:
        guard count > 0 else { return [] }
        let selected = choices.choices[min(model.resultSelection, count - 1)]
        switch choices {
        case .swap(let item, let current, _):
            guard selected.id != current.id else { return [] }
            var added = item
            added.product = current
            model.swappedTo = selected
            return [.swap(item: added, to: selected)]
        case .add:
            return [.change(CartChange(action: .add, productId: selected.id, quantity: 1, unit: selected.unit == .lb && selected.pieceWeight != nil ? .each : nil))]
        case .none:
            return []
        }
    default:
        return typeIntoLine(key, &model)
    }
    return []
}

/// ↑/↓ select a line, `+`/`-` change it by one step, Delete/Backspace remove it.
private func pressInCart(_ key: Key, _ model: inout Model) -> [Command] {
    let entries = CartEntry.of(model)
    let selected = entries.isEmpty ? nil : entries[min(model.cartSelection, entries.count - 1)]
    switch key {
    case .up, .down:
        model.cartSelection = moved(model.cartSelection, by: key, among: entries.count)
    case .character("+"), .character("="):
        return selected.map { [.change($0.step(.add))] } ?? []
    case .character("-"), .character("_"):
        return selected.map { [.change($0.step(.remove))] } ?? []
    case .delete, .backspace:
        return selected.map { [.change(CartChange(action: .remove, productId: $0.productId))] } ?? []
    case .enter:
        return []
    default:
        return typeIntoLine(key, &model)
    }
    return []
}

private func pressInLog(_ key: Key, _ model: inout Model) -> [Command] {
    switch key {
    case .up, .down: scrollLog(key, &model)
    case .enter: return []
    default: return typeIntoLine(key, &model)
    }
    return []
}

/// A selection one row up or down, kept among `count` rows.
private func moved(_ selection: Int, by key: Key, among count: Int) -> Int {
    max(0, min(min(selection, count - 1) + (key == .up ? -1 : 1), count - 1))
}

/// A printable key in a list pane goes back to the input line and is typed there.
private func typeIntoLine(_ key: Key, _ model: inout Model) -> [Command] {
    guard case .character = key else { return [] }
    model.focus = .input
    _ = model.input.apply(key)
    return []
}

private func scrollLog(_ key: Key, _ model: inout Model) {
    let step = (key == .pageUp || key == .pageDown) ? 5 : 1
    let up = key == .pageUp || key == .up
    model.logScroll = max(0, min(model.log.count, model.logScroll + (up ? step : -step)))
}
