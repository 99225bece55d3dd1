import ShieldCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered output to a file descriptor, with ANSI colour only for terminals.
///
/// Colour is off when the stream is not a TTY or `NO_COLOR` is set (https://no-color.org).
final class Terminal: Sendable {
    static let standardOutput = Terminal(descriptor: 1)
    static let standardError = Terminal(descriptor: 2)

    let descriptor: Int32
    let usesColor: Bool
    private struct State {
        var bytes: [UInt8] = []
        var failed = false
    }

    private let state = Mutex(State())

    /// Whether any write to the descriptor failed (a closed pipe, a full disk): output was lost.
    var writeFailed: Bool { state.withLock { $0.failed } }

    init(descriptor: Int32) {
        self.descriptor = descriptor
        usesColor = isatty(descriptor) == 1 && getenv("NO_COLOR") == nil
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }

    func paint(_ text: String, _ color: Color) -> String {
        usesColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Appends to the buffer; flushes when it is large. Standard error flushes at once.
    func write(_ text: String) {
        let full = state.withLock { state in
            state.bytes.append(contentsOf: text.utf8)
            return state.bytes.count >= 1 << 16
        }
        if full || descriptor == 2 { flush() }
    }

    /// Writes the buffer out. A failed write is remembered in ``writeFailed``; nothing is retried.
    func flush() {
        state.withLock { state in
            var offset = 0
            while offset < state.bytes.count {
                let written = state.bytes.withUnsafeBytes { raw in
                    Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    state.failed = true
                    break
                }
                offset += written
            }
            state.bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Flushes and throws when output was lost, so a caller never takes a partial answer for a
    /// whole one.
    func finish() throws {
        flush()
        if writeFailed { throw CLIError("writing to standard output failed; decisions were lost") }
    }

    /// `text` safe to print on a terminal: control characters (C0, DEL, C1, which include the
    /// escape sequences that recolour, retitle or rewrite a terminal) and format characters
    /// (bidirectional overrides, zero-width characters, Unicode Tags) are shown as `\u{…}` escapes. Audit values come from clients and servers.
    static func sanitize(_ text: String) -> String {
        VisibleText.escaped(text)
    }

    deinit { flush() }
}
