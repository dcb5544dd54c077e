import Crypto
import Foundation
import KisumKernel

/// Opaque bearer secrets (refresh, activation, reset, invitation and impersonation tokens, signup job
/// results): 32 random bytes, base64url on the wire, SHA-256 in the database. A digest of a 256-bit
/// random value needs no salt or slow hash: it cannot be guessed, only stolen, and the table holds
/// nothing that can be replayed.
public enum OpaqueToken {
    public static func generate(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(raw)
    }

    /// The digest stored for a token (bytea: PostgresNIO encodes `Data` as bytea, `[UInt8]` as "char"[]).
    public static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Tokens we issue are 43 base64url characters; anything else is rejected before touching the database.
    public static func looksValid(_ token: String) -> Bool {
        (16...256).contains(token.utf8.count) && Base64URL.decode(token) != nil
    }
}

// `Sealer` (AES-GCM with the sealing key) lives in the kernel: Base seals its Xero tokens with it too.

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
