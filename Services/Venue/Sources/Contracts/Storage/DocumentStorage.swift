import Crypto
import Foundation
import KisumKernel
import NIOCore
import NIOFileSystem

/// Where generated documents live. The database keeps the key, size and SHA-256; the bytes live
/// here. A cloud implementation (S3, GCS) would conform to the same protocol.
public protocol DocumentStorage: Sendable {
    /// Stores `bytes` under `key`, replacing what was there; the write is complete or absent.
    func store(_ bytes: ByteBuffer, key: String, contentType: String) async throws -> StoredDocument
    /// The bytes under `key`, or nil when there are none.
    func load(key: String, maxBytes: Int) async throws -> ByteBuffer?
    func remove(key: String) async throws
}

public struct StoredDocument: Sendable, Equatable {
    public var key: String
    public var contentType: String
    public var sizeBytes: Int64
    /// Lower-case hex SHA-256 of the stored bytes.
    public var sha256: String
}

public enum StorageKey {
    /// Keys are relative paths of safe characters, so no key can escape the storage root.
    public static func isValid(_ key: String) -> Bool {
        guard !key.isEmpty, key.count <= 512, !key.hasPrefix("/"),
              key.range(of: "^[A-Za-z0-9._/-]+$", options: .regularExpression) != nil else { return false }
        return !key.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    public static func sha256Hex(_ bytes: ByteBuffer) -> String {
        SHA256.hash(data: bytes.readableBytesView).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// The local adapter: files under `STORAGE_DIR`. I/O goes through NIOFileSystem, which runs the
/// system calls on its thread pool, never on an event loop. New files are written to an anonymous
/// temporary file and linked into place when complete, so a reader never sees half a document.
public struct LocalDiskStorage: DocumentStorage {
    public let root: String
    private let fileSystem: FileSystem

    public init(root: String, fileSystem: FileSystem = .shared) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.fileSystem = fileSystem
    }

    func path(for key: String) throws -> FilePath {
        guard StorageKey.isValid(key) else { throw StorageError.invalidKey }
        return FilePath(root).appending(key)
    }

    public func store(_ bytes: ByteBuffer, key: String, contentType: String) async throws -> StoredDocument {
        let path = try path(for: key)
        do {
            do {
                try await fileSystem.createDirectory(at: path.removingLastComponent(), withIntermediateDirectories: true)
            } catch let error as FileSystemError where error.code == .fileAlreadyExists {
                // The folder of an earlier document of the same contract.
            }
            try await bytes.write(toFileAt: path, options: .newFile(replaceExisting: true), fileSystem: fileSystem)
        } catch {
            throw StorageError.unavailable("\(error)")
        }
        return StoredDocument(key: key, contentType: contentType, sizeBytes: Int64(bytes.readableBytes), sha256: StorageKey.sha256Hex(bytes))
    }

    public func load(key: String, maxBytes: Int) async throws -> ByteBuffer? {
        let path = try path(for: key)
        do {
            return try await fileSystem.withFileHandle(forReadingAt: path) { handle in
                try await handle.readToEnd(maximumSizeAllowed: .bytes(Int64(maxBytes)))
            }
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        } catch {
            throw StorageError.unavailable("\(error)")
        }
    }

    public func remove(key: String) async throws {
        let path = try path(for: key)
        do {
            try await fileSystem.removeItem(at: path, strategy: .platformDefault, recursively: false)
        } catch {
            throw StorageError.unavailable("\(error)")
        }
    }
}

public enum StorageError: Error, APIErrorConvertible, CustomStringConvertible {
    case invalidKey
    /// The reason stays in the log; the client sees a plain 503.
    case unavailable(String)

    public var apiError: APIError {
        switch self {
        case .invalidKey: return .internalError
        case .unavailable: return .unavailable("storage_unavailable", "Document storage is unavailable.")
        }
    }

    public var description: String {
        switch self {
        case .invalidKey: return "invalid storage key"
        case .unavailable(let reason): return "storage unavailable: \(reason)"
        }
    }
}
