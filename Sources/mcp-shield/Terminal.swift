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
    private let buffer = Mutex<[UInt8]>([])

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
        let full = buffer.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            return buffer.count >= 1 << 16
        }
        if full || descriptor == 2 { flush() }
    }

    func flush() {
        buffer.withLock { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { raw in
                    Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    break
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    deinit { flush() }
}
