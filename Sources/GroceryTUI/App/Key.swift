/// A key press, decoded from the terminal.
public enum Key: Sendable, Equatable {
    /// A printable character.
    case character(Character)
    case enter, backspace, delete, tab, escape
    case left, right, up, down, home, end, pageUp, pageDown
    /// Ctrl with a letter ("r" for Ctrl-R), or "/" for Ctrl-/ (the same byte as Ctrl-_).
    case control(Character)
    /// F1…F12.
    case function(Int)
}
