#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A file's identity and modification time: a changed stamp means the file changed.
public struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var size: Int64

    public init?(path: String?) {
        guard let path else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        size = Int64(info.st_size)
    }
}
