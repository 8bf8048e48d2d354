import CNcursesw
import Foundation

/// Why the terminal could not be used.
public enum TerminalError: Error, CustomStringConvertible {
    /// `TERM` names a terminal ncurses does not know.
    case unknownTerminal(String)
    /// Standard input or output is not a terminal.
    case notATerminal

    public var description: String {
        switch self {
        case .unknownTerminal(let name):
            "unknown terminal type TERM=\(name.isEmpty ? "(unset)" : name); try TERM=xterm-256color"
        case .notATerminal:
            "standard input and output must be a terminal; for scripts use `grocery pipe`"
        }
    }
}

/// The ncursesw screen. Not thread-safe, like ncurses itself: one thread creates it,
/// draws with it, reads keys from it and ends it (``TerminalLoop`` is that thread).
final class Terminal {
    private let screenPointer: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Whether colours are used (see ``usesColor(environment:terminalHasColors:)``).
    let colors: Bool
    private var drawn: Screen?
    private var ended = false

    /// Starts curses with `newterm`, so an unknown TERM is an error rather than an exit.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        setlocale(LC_ALL, "")
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        setenv("ESCDELAY", "25", 0)  // Esc alone should not wait a second
        guard let screen = newterm(nil, grocery_stdout(), grocery_stdin()) else {
            throw TerminalError.unknownTerminal(environment["TERM"] ?? "")
        }
        screenPointer = screen
        set_term(screen)
        window = grocery_stdscr()
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        if Terminal.usesColor(environment: environment, terminalHasColors: has_colors()) {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_GREEN), -1)
            init_pair(2, Int16(COLOR_YELLOW), -1)
            init_pair(3, Int16(COLOR_RED), -1)
            init_pair(4, Int16(COLOR_CYAN), -1)
            colors = true
        } else {
            colors = false
        }
    }

    /// Whether to draw in colour: the terminal has colours and `NO_COLOR` is unset or
    /// empty (no-color.org: only a non-empty value turns colour off).
    static func usesColor(environment: [String: String], terminalHasColors: Bool) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && terminalHasColors
    }

    /// Asks the tty for its size and tells curses (after a SIGWINCH).
    func refreshSize() {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return }
        resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        invalidate()
    }

    /// Columns and rows now.
    var size: Size {
        Size(columns: Int(grocery_getmaxx(window)), rows: Int(grocery_getmaxy(window)))
    }

    /// Draws the rows that differ from what is on the terminal, then the cursor.
    func draw(_ screen: Screen) {
        let changed = screen.changedRows(from: drawn)
        if changed.count == screen.height { werase(window) }
        for row in changed {
            wmove(window, Int32(row), 0)
            var current: Style?
            for cell in screen.rows[row] where !cell.text.isEmpty {
                if cell.style != current {
                    apply(cell.style)
                    current = cell.style
                }
                waddnstr(window, cell.text, -1)
            }
            wattr_set(window, grocery_a_normal(), 0, nil)
        }
        if let cursor = screen.cursor {
            curs_set(1)
            wmove(window, Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wnoutrefresh(window)
        doupdate()
        drawn = screen
    }

    /// Gives the terminal back and stops as a shell job (what vim and htop do on Ctrl-Z):
    /// SIGTSTP with its default action, sent to this thread with the signal unblocked, so
    /// the process has stopped before the call returns and goes on only at SIGCONT (`fg`).
    /// (Sent to the process group, it landed on whichever thread took it, sometimes after
    /// the old action was back, and the stop was lost.) Where no shell does job control
    /// (an orphaned process group) the kernel discards it and this returns at once. Then
    /// curses is back in charge, the size is read again and everything is repainted.
    func suspend() {
        endwin()
        var stop = sigaction()
        stop.__sigaction_handler.sa_handler = SIG_DFL
        var previous = sigaction()
        sigaction(SIGTSTP, &stop, &previous)
        var tstp = sigset_t()
        sigemptyset(&tstp)
        sigaddset(&tstp, SIGTSTP)
        var mask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &tstp, &mask)
        pthread_kill(pthread_self(), SIGTSTP)
        pthread_sigmask(SIG_SETMASK, &mask, nil)
        sigaction(SIGTSTP, &previous, nil)
        refreshSize()
        invalidate()
    }

    /// Forgets what is on the terminal, so the next draw repaints everything.
    func invalidate() {
        drawn = nil
        clearok(window, true)
    }

    private func apply(_ style: Style) {
        var attributes = grocery_a_normal()
        if style.bold { attributes |= grocery_a_bold() }
        if style.dim { attributes |= grocery_a_dim() }
        if style.reverse { attributes |= grocery_a_reverse() }
        let pair: Int16 =
            switch style.color {
            case .normal: 0
            case .green: 1
            case .yellow: 2
            case .red: 3
            case .cyan: 4
            }
        wattr_set(window, attributes, colors ? pair : 0, nil)
    }

    /// Keys typed since the last call (never blocks); `nil` entries mean "resized".
    func readKeys() -> [Key?] {
        var keys: [Key?] = []
        var code: wint_t = 0
        while true {
            let result = wget_wch(window, &code)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if Int32(code) == KEY_RESIZE {
                    keys.append(nil)
                } else if let key = Self.functionKey(Int32(code)) {
                    keys.append(key)
                }
            } else if let key = Self.characterKey(UInt32(code)) {
                keys.append(key)
            }
        }
        return keys
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_ENTER: .enter
        case KEY_BTAB: .tab
        case (KEY_F0 + 1)...(KEY_F0 + 12): .function(Int(code - KEY_F0))
        default: nil
        }
    }

    private static func characterKey(_ code: UInt32) -> Key? {
        switch code {
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 9: return .tab
        case 27: return .escape
        case 1...26: return .control(Character(Unicode.Scalar(code + 96)!))
        case 31: return .control("/")  // Ctrl-/ and Ctrl-_ both send 0x1F
        default:
            guard code >= 32, let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Gives the terminal back: ends curses (idempotent).
    func end() {
        guard !ended else { return }
        ended = true
        endwin()
        delscreen(screenPointer)
    }
}
