#if canImport(Glibc)
    internal import Glibc
#endif

/// Unix-domain stream sockets: how a client reaches an MCP server launched in the background.
public enum UnixSocket {
    public struct SocketError: Error, CustomStringConvertible {
        public var description: String
    }

    /// A socket listening at `path`, which only our user may connect to (mode 0600). An existing
    /// file at `path` is refused rather than replaced.
    public static func listen(at path: String) throws(SocketError) -> Int32 {
        let descriptor = try make(path) { descriptor, address, length in
            // The umask makes the socket 0600 from the moment it exists.
            let previous = umask(0o177)
            defer { umask(previous) }
            return bind(descriptor, address, length)
        }
        guard Glibc.listen(descriptor, 1) == 0 else {
            let error = errno
            close(descriptor)
            unlink(path)
            throw SocketError(description: "cannot listen on \(path): \(String(cString: strerror(error)))")
        }
        return descriptor
    }

    /// The next connection to a listening socket, close-on-exec; -1 on failure.
    public static func accept(_ listening: Int32) -> Int32 {
        let connection = Glibc.accept(listening, nil, nil)
        if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
        return connection
    }

    /// A connection to the socket at `path`.
    public static func connect(to path: String) throws(SocketError) -> Int32 {
        try make(path) { descriptor, address, length in Glibc.connect(descriptor, address, length) }
    }

    private static func make(
        _ path: String, _ operation: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws(SocketError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw SocketError(description: "\(path) is not a usable socket path (at most \(capacity - 1) bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { operation(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(descriptor)
            throw SocketError(description: "\(path): \(String(cString: strerror(error)))")
        }
        return descriptor
    }
}
