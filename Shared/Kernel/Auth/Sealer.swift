import Crypto
import Foundation

/// AES-GCM with a service's sealing key, for secrets a service must read back (Platform Core's signing keys and
/// signup results, Base's Xero tokens). The associated data binds a box to its row: a box copied onto another
/// row (another key id, another company's connection) fails to open.
public struct Sealer: Sendable {
    private let keyBytes: [UInt8]

    /// `key` is 32 bytes (AES-256); services check the length when they load it.
    public init(key: [UInt8]) { self.keyBytes = key }

    public func seal(_ plaintext: Data, context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: keyBytes), authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw SealingError.failed }
        return combined
    }

    public func open(_ sealed: Data, context: String) throws -> Data {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return try AES.GCM.open(box, using: SymmetricKey(data: keyBytes), authenticating: Data(context.utf8))
    }

    /// A fresh random 256-bit key (tests and tools; services load theirs from a setting).
    public static func randomKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public enum SealingError: Error { case failed }
}
