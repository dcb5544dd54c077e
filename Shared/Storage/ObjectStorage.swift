import Foundation
import KisumKernel
import NIOPosix

/// Where uploaded files live: Platform Core's avatars, Base's files. Keys are relative paths the services
/// generate themselves (`ObjectKey`), never a client's file name.
public protocol ObjectStorage: Sendable {
    func put(key: String, data: Data, contentType: String) async throws
    /// The stored bytes, or nil when there is no such object.
    func get(key: String) async throws -> Data?
    func delete(key: String) async throws
}

/// The one rule for keys, whatever the backend: `/`-separated segments of letters, digits, `-`, `.` and `_`,
/// none empty, `.` or `..`. Keys are ours, but checked anyway, so a bug can never write outside the storage
/// root on disk or need escaping in an S3 URL.
public enum ObjectKey {
    public static func isValid(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        return key.utf8.count <= 512 && !parts.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".."
                && part.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
        }
    }
}

/// Files on local disk under one directory. File I/O runs on NIO's blocking-I/O thread pool, never on
/// an event loop; writes go to a temporary file that is renamed into place, so a reader never sees half
/// a file.
public struct LocalDiskStorage: ObjectStorage {
    let root: URL

    public init(directory: String) {
        root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    }

    public func put(key: String, data: Data, contentType: String) async throws {
        let url = try path(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
    }

    public func get(key: String) async throws -> Data? {
        let url = try path(for: key)
        return try await NIOThreadPool.singleton.runIfActive {
            FileManager.default.fileExists(atPath: url.path) ? try Data(contentsOf: url) : nil
        }
    }

    public func delete(key: String) async throws {
        let url = try path(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
    }

    /// No absolute paths, no `..`, only a safe alphabet (`ObjectKey`).
    func path(for key: String) throws -> URL {
        guard ObjectKey.isValid(key) else { throw APIError.notFound("file") }
        return root.appendingPathComponent(key)
    }
}
