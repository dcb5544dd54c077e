import Crypto
import Foundation

public enum ConstantTime {
    /// Compares two secrets in time independent of where they differ. Both sides are hashed first so
    /// the comparison also does not reveal the expected secret's length.
    public static func equals(_ a: String, _ b: String) -> Bool {
        let left = SHA256.hash(data: Data(a.utf8))
        let right = SHA256.hash(data: Data(b.utf8))
        var difference: UInt8 = 0
        for (x, y) in zip(left, right) { difference |= x ^ y }
        return difference == 0
    }

    /// True when `candidate` equals any of `secrets`; every secret is compared, no early exit.
    public static func matchesAny(_ candidate: String, of secrets: [String]) -> Bool {
        var matched = false
        for secret in secrets where equals(candidate, secret) { matched = true }
        return matched
    }
}
