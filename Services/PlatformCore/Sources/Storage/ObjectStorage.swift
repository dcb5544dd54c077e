import Foundation
import KisumKernel
import NIOPosix

/// Where uploaded files (avatars) live. Keys are relative paths Platform Core generates itself.
public protocol ObjectStorage: Sendable {
    func put(key: String, data: Data, contentType: String) async throws
    /// The stored bytes, or nil when there is no such object.
    func get(key: String) async throws -> Data?
    func delete(key: String) async throws
}

/// Files on local disk under one directory. File I/O runs on NIO's blocking-I/O thread pool, never on
/// an event loop; writes go to a temporary file that is renamed into place, so a reader never sees half
/// an avatar.
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

    /// Keys are ours, but checked anyway: no absolute paths, no `..`, only a safe alphabet.
    func path(for key: String) throws -> URL {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ part in
            !part.isEmpty && part != "." && part != ".."
                && part.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
        }) else { throw APIError.notFound("file") }
        return root.appendingPathComponent(key)
    }
}
