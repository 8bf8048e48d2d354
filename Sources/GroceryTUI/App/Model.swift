import Foundation
import GroceryClient
import GroceryProtocol

/// Everything the screen shows, and nothing about how it is drawn.
public struct Model: Sendable, Equatable {
    /// Which pane the keys act on (Tab moves on, in this order).
    public enum Focus: String, Sendable, CaseIterable {
        case input, result, cart, log
    }

    /// A cart message the server has not acknowledged yet: it marks its line and names
    /// the log line written when the ack comes.
    public struct PendingChange: Sendable, Equatable {
        /// The message.
        public var command: CartCommand
        /// The product's name and how it is sold, when known at queue time.
        public var name: String?
        public var unit: SaleUnit?
        /// For a product sold by the pound, the estimated weight of a piece in pounds.
        public var pieceWeight: Double?

        /// Creates a pending change.
        public init(command: CartCommand, name: String? = nil, unit: SaleUnit? = nil, pieceWeight: Double? = nil) {
            self.command = command
            self.name = name
            self.unit = unit
            self.pieceWeight = pieceWeight
        }
    }

    /// One line of the event log.
    public struct LogLine: Sendable, Equatable {
        /// When, on the client clock.
        public var at: Duration
        /// What happened.
        public var text: String
        /// How to show it.
        public var tone: Style.Color

        /// Creates a line.
        public init(at: Duration, text: String, tone: Style.Color) {
            self.at = at
            self.text = text
            self.tone = tone
        }
    }

    /// A result that waits for the shopper (below the confidence threshold, or a clear or
    /// checkout): Enter confirms, Esc cancels.
    public struct Question: Sendable, Equatable {
        /// The query's id.
        public var id: String
        /// What was understood.
        public var result: NLPResult

        /// Creates a question.
        public init(id: String, result: NLPResult) {
            self.id = id
            self.result = result
        }
    }

    /// The last change of the cart, for undo: its messages, the cart before it, and its
    /// words for the log.
    public struct LastChange: Sendable, Equatable {
        /// The cart messages of the change.
        public var commands: [CartCommand]
        /// The cart as the screen had it when the change was queued.
        public var cartBefore: CartSnapshot?
        /// "added 2 × Great Value Whole Milk".
        public var words: String
    }

    /// The embedded server, when this process runs one.
    public enum EmbeddedServer: Sendable, Equatable {
        case running(walmart: Int, grocery: Int)
        case stopped
    }

    /// Whose cart.
    public var user: String
    /// This run's session id.
    public var session: String
    /// Where the server is, for the title ("server 127.0.0.1:3001").
    public var serverNote: String
    /// The embedded server, if any.
    public var embedded: EmbeddedServer?
    /// Reconnect attempts before giving up (for "attempt 3/10").
    public var maxAttempts: Int
    /// Channel states.
    public var walmart: ConnectionState = .idle
    public var grocery: ConnectionState = .idle
    /// The last query's result.
    public var lastResult: NLPResult?
    /// The cart as the server last sent it.
    public var cart: CartSnapshot?
    /// Newest last; at most ``Model/logLimit``.
    public var log: [LogLine] = []
    /// The result waiting for Enter or Esc.
    public var question: Question?
    /// What undo takes back.
    public var lastChange: LastChange?
    /// The input line.
    public var input = LineEditor()
    /// Sent lines, oldest first.
    public var history: [String] = []
    /// Position while walking the history (nil: editing a new line).
    public var historyIndex: Int?
    /// Messages waiting for a reply.
    public var queued = 0
    /// Cart messages waiting for their ack, oldest first (those of an earlier run too).
    public var pendingChanges: [PendingChange] = []
    /// The receipt of the last checkout, shown in the result pane until the next query.
    public var receipt: Receipt?
    /// The latest orders, when asked for (F2), shown in the result pane until the next query.
    public var orders: [Receipt]?
    /// The product now standing in the cart for the last add result's item, after Enter
    /// swapped it for an alternative (nil: the result's own product).
    public var swappedTo: ProductSummary?
    /// The selected row of the result list and of the cart (lines, then queued additions).
    public var resultSelection = 0
    public var cartSelection = 0
    /// The pane the keys act on.
    public var focus: Focus = .input
    /// How order times are shown.
    public var timeZone = TimeZone.current
    /// Lines scrolled up from the bottom of the log.
    public var logScroll = 0
    /// The help overlay.
    public var showingHelp = false
    /// Set when the user asked to quit.
    public var quitting = false

    /// The most log lines kept.
    public static let logLimit = 500

    /// A model before anything happened.
    public init(user: String, session: String, serverNote: String, maxAttempts: Int, embedded: EmbeddedServer? = nil) {
        self.user = user
        self.session = session
        self.serverNote = serverNote
        self.maxAttempts = maxAttempts
        self.embedded = embedded
    }

    /// Whether a countdown is on screen (the backend then redraws ten times a second).
    public var isCountingDown: Bool {
        [walmart, grocery].contains { if case .waiting = $0 { true } else { false } }
    }

    mutating func note(_ text: String, at time: Duration, tone: Style.Color = .normal) {
        log.append(LogLine(at: time, text: text, tone: tone))
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }
}
