import Crypto
import Foundation
import Hummingbird
import KisumKernel

extension Permission {
    public static let webhooksRead = "webhooks.read"
    /// "Admin or webhook management permission": granted to admins by default (0006_webhooks.sql).
    public static let webhooksManage = "webhooks.manage"
}

/// A webhook as the routes show it. `secret` is masked (`whsec_…abcd`) except in the answers of create and
/// regenerate-secret, which carry the full secret once ("only shown once!").
public struct Webhook: ResponseEncodable, Sendable {
    public var id: UUID
    public var name: String
    public var url: String
    public var description: String?
    /// Activity actions or `<prefix>.*`; empty = every event.
    public var events: [String]
    public var isActive: Bool
    public var secret: String
    /// Whether `secret` is the full secret (create, regenerate-secret) or its masked form.
    public var secretRevealed: Bool
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    /// The newest delivery attempt (delivery log): when, `delivered` / `retrying` / `failed`, the receiver's status.
    public var lastDeliveryAt: Date?
    public var lastDeliveryOutcome: String?
    public var lastDeliveryStatusCode: Int?

    func revealing(_ secret: String) -> Webhook {
        var copy = self
        copy.secret = secret
        copy.secretRevealed = true
        return copy
    }
}

/// Signing secrets: `whsec_` + 32 random bytes (base64url). Stored sealed (AES-GCM, bound to the webhook's row)
/// because signing needs the secret itself, unlike API keys, where a digest is enough.
enum WebhookSecret {
    static func generate() -> String { "whsec_" + OpaqueToken.generate() }

    static func hint(of secret: String) -> String { String(secret.suffix(4)) }

    static func masked(hint: String) -> String { "whsec_…" + hint }

    static func context(workspaceID: UUID, webhookID: UUID) -> String {
        "webhook:\(workspaceID.uuidString.lowercased()):\(webhookID.uuidString.lowercased())"
    }

    static func seal(_ secret: String, key: [UInt8], workspaceID: UUID, webhookID: UUID) throws -> Data {
        try Sealer(key: key).seal(Data(secret.utf8), context: context(workspaceID: workspaceID, webhookID: webhookID))
    }

    static func open(_ sealed: Data, key: [UInt8], workspaceID: UUID, webhookID: UUID) throws -> String {
        String(decoding: try Sealer(key: key).open(sealed, context: context(workspaceID: workspaceID, webhookID: webhookID)), as: UTF8.self)
    }
}

/// The signature scheme (documented in the contract): header
/// `Kisum-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret's UTF-8 bytes>`.
/// The timestamp is signed with the body, so a receiver that refuses old timestamps (5 minutes) cannot be replayed
/// an old delivery; each attempt is signed afresh.
public enum WebhookSignature {
    public static let header = "Kisum-Signature"

    public static func sign(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    static func hex(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return Array(mac).hex
    }

    /// What a receiver does: the header's `v1` must match (constant time) and `t` be within `tolerance` of `now`.
    public static func verify(header value: String, body: [UInt8], secret: String, now: Date = Date(), tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = hex(secret: secret, timestamp: timestamp, body: body)
        return signatures.contains { ConstantTime.equals($0, expected) }
    }
}
