import Crypto
import Foundation
import HTTPTypes
import KisumKernel

/// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
/// (several `v1` while a secret is being rolled). Missing header → 400 `signature_missing`; one without `t=` and
/// a `v1=` → 401 `signature_malformed`; no `v1` matching → 401 `signature_invalid`; timestamp outside the tolerance
/// (a captured request replayed later) → 401 `signature_expired`. Compared in constant time.
enum StripeSignature {
    static func verify(header: String?, payload: [UInt8], secret: String, tolerance: TimeInterval, now: Date = Date()) throws {
        guard let header, !header.isEmpty else {
            throw APIError.badRequest("signature_missing", "The Stripe-Signature header is required.")
        }
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",").prefix(32) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1", let bytes = hex(pair[1]) { signatures.append(bytes) }
        }
        guard let timestamp, !signatures.isEmpty else {
            throw APIError(.unauthorized, code: "signature_malformed", message: "The Stripe-Signature header must carry t= and v1=.")
        }
        let expected = sign(payload: payload, timestamp: timestamp, secret: secret)
        // Every candidate is compared (no early exit), each in constant time.
        var matched = false
        for candidate in signatures where constantTimeEqual(candidate, expected) { matched = true }
        guard matched else { throw APIError(.unauthorized, code: "signature_invalid", message: "The Stripe signature does not match.") }
        let age = now.timeIntervalSince1970 - Double(timestamp)
        guard abs(age) <= tolerance else {
            throw APIError(.unauthorized, code: "signature_expired", message: "The Stripe signature's timestamp is outside the tolerance.")
        }
    }

    static func sign(payload: [UInt8], timestamp: Int64, secret: String) -> [UInt8] {
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: payload)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }

    static func header(payload: [UInt8], timestamp: Int64, secret: String) -> String {
        "t=\(timestamp),v1=\(sign(payload: payload, timestamp: timestamp, secret: secret).map { String(format: "%02x", $0) }.joined())"
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func hex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
