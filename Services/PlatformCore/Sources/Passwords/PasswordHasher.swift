import CArgon2
import Foundation
import HTTPTypes
import KisumKernel
import NIOConcurrencyHelpers
import NIOPosix

/// Argon2id through libargon2, producing and checking PHC strings
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
///
/// Hashing is deliberately slow and memory-hard, so it runs on a dedicated, bounded `NIOThreadPool`,
/// never on an event loop. At most `threads` hashes run at once (each holding `memoryKiB`); at most
/// `maxQueued` more may wait, after which callers get 503 `busy` rather than an ever-growing queue that
/// would let a login flood exhaust memory and latency for everyone.
public final class PasswordHasher: Sendable {
    private let pool: NIOThreadPool
    private let settings: PlatformCoreSettings.PasswordSettings
    private let pending = NIOLockedValueBox(0)
    /// A real hash of a random password, checked for unknown e-mails so they cost as much as known ones.
    private let decoy = NIOLockedValueBox<String?>(nil)

    /// One pool per process for each (threads, niceness): hashing threads are a process-wide budget, and a thread
    /// once lowered to a nice value keeps it, so configurations with different niceness must not share threads.
    private static let pools = NIOLockedValueBox<[String: NIOThreadPool]>([:])

    public init(settings: PlatformCoreSettings.PasswordSettings) {
        self.settings = settings
        self.pool = Self.pools.withLockedValue { pools in
            let key = "\(settings.threads)/\(settings.niceness)"
            if let pool = pools[key] { return pool }
            let pool = NIOThreadPool(numberOfThreads: settings.threads)
            pool.start()
            pools[key] = pool
            return pool
        }
    }

    /// The PHC prefix of hashes made with the current parameters (older hashes are upgraded at login).
    var currentParameters: String {
        "$argon2id$v=19$m=\(settings.memoryKiB),t=\(settings.iterations),p=\(settings.parallelism)$"
    }

    public func hash(_ password: String) async throws -> String {
        let settings = self.settings
        return try await run {
            try Self.argon2Hash(password, settings: settings)
        }
    }

    /// True when `password` matches `phc`. A malformed stored hash counts as a mismatch.
    public func verify(_ password: String, against phc: String) async throws -> Bool {
        try await run {
            Self.argon2Verify(password, phc: phc)
        }
    }

    /// Burns the same time as `verify` against a hash nobody can match (unknown e-mail, no password).
    public func verifyDecoy(_ password: String) async throws {
        let phc: String
        if let existing = decoy.withLockedValue({ $0 }) {
            phc = existing
        } else {
            phc = try await hash(OpaqueToken.generate())
            decoy.withLockedValue { $0 = phc }
        }
        _ = try await verify(password, against: phc)
    }

    func needsRehash(_ phc: String) -> Bool {
        !phc.hasPrefix(currentParameters)
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let limit = settings.threads + settings.maxQueued
        let admitted = pending.withLockedValue { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw APIError(.serviceUnavailable, code: "busy", message: "The service is busy; retry shortly.",
                           headers: [.retryAfter: "1"])
        }
        defer { pending.withLockedValue { $0 -= 1 } }
        let niceness = settings.niceness
        return try await pool.runIfActive {
            Self.lowerPriority(to: niceness)
            return try work()
        }
    }

    /// Linux keeps a nice value per thread, so this lowers only the hashing thread it runs on (raising it
    /// again would need a privilege; the value never changes while the process runs, so repeating it is a
    /// no-op). Failure leaves the thread at normal priority, which is only slower for everyone else.
    private static func lowerPriority(to niceness: Int) {
        #if os(Linux)
        guard niceness > 0 else { return }
        // `who` 0 is the calling thread on Linux (the nice value is a per-thread attribute there).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(niceness))
        #endif
    }

    // MARK: libargon2

    static func argon2Hash(_ password: String, settings: PlatformCoreSettings.PasswordSettings) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let hashLength = 32
        let encodedLength = argon2_encodedlen(settings.iterations, settings.memoryKiB, settings.parallelism,
                                              UInt32(salt.count), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let bytes = Array(password.utf8)
        let result = bytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBuffer in
                argon2id_hash_encoded(settings.iterations, settings.memoryKiB, settings.parallelism,
                                      pwd.baseAddress, pwd.count, saltBuffer.baseAddress, saltBuffer.count,
                                      hashLength, &encoded, encodedLength)
            }
        }
        guard result == ARGON2_OK.rawValue else {
            throw Argon2Error(code: result)
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func argon2Verify(_ password: String, phc: String) -> Bool {
        guard phc.hasPrefix("$argon2id$") else { return false }
        let bytes = Array(password.utf8)
        let result = bytes.withUnsafeBytes { pwd in
            argon2id_verify(phc, pwd.baseAddress, pwd.count)
        }
        return result == ARGON2_OK.rawValue
    }

    struct Argon2Error: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "argon2 failed: \(String(cString: argon2_error_message(code)))" }
    }
}

/// The password rules: long enough, not absurdly long (rejected, never truncated), not blank.
public enum PasswordPolicy {
    public static func check(_ password: String?, field: String, settings: PlatformCoreSettings.PasswordSettings,
                             into validator: inout Validator, required: Bool = true) {
        guard let password else {
            if required { validator.add(field, "required", "This field is required.") }
            return
        }
        if password.unicodeScalars.count < settings.minLength {
            validator.add(field, "too_short", "At least \(settings.minLength) characters.")
        } else if password.unicodeScalars.count > settings.maxLength {
            validator.add(field, "too_long", "At most \(settings.maxLength) characters.")
        } else if password.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            validator.add(field, "blank", "The password must not be blank.")
        }
    }
}
