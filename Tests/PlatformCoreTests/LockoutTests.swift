import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("Authentication: account lockout")
struct LockoutTests {
    /// Required: parallel wrong-password attempts cannot exceed the lockout limit.
    @Test func parallelWrongPasswordAttemptsCannotExceedTheLockoutLimit() async throws {
        let h = try await Harness.make { $0.lockout = .init(maxFailures: 5, duration: 900) }
        let user = try await h.user()
        try await h.run { api async throws in
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let r = try await api.from("10.0.0.\(i)").login(user.email, "wrong password \(i)")
                        return (Int(r.status.code), r.errorCode)
                    }
                }
                var all: [(Int, String?)] = []
                for try await status in group { all.append(status) }
                return all
            }
            let checked = statuses.filter { $0.1 == "invalid_credentials" }.count
            let locked = statuses.filter { $0.1 == "account_locked" }.count
            #expect(checked == 5, "only five attempts may reach the password check, got \(checked)")
            #expect(locked == 15)
            #expect(statuses.filter { $0.1 == "account_locked" }.allSatisfy { $0.0 == 429 })
            #expect(try await h.count("SELECT failed_attempts FROM credentials WHERE user_id = '\(user.id)'") == 5)

            // Locked means locked, even with the right password.
            let right = try await api.login(user.email)
            #expect(right.status == .tooManyRequests)
            #expect(right.errorCode == "account_locked")
            #expect(Int(right.headers[.retryAfter] ?? "") ?? 0 > 800)
            #expect(try await h.count("SELECT count(*) FROM security_events WHERE kind = 'account_locked' AND user_id = '\(user.id)'") == 1)
        }
    }

    @Test func theLockExpiresAndSuccessResetsTheCounter() async throws {
        // A lock long enough that slow Argon2 checks on a loaded machine cannot outlast it; its end is then
        // brought forward in the database instead of waited for.
        let h = try await Harness.make { $0.lockout = .init(maxFailures: 3, duration: 600) }
        let user = try await h.user()
        try await h.run { api async throws in
            for _ in 0..<2 { _ = try await api.login(user.email, "wrong password!") }
            // A success before the limit resets the count.
            #expect(try await api.login(user.email).status == .ok)
            #expect(try await h.count("SELECT failed_attempts FROM credentials WHERE user_id = '\(user.id)'") == 0)

            for _ in 0..<3 { _ = try await api.login(user.email, "wrong password!") }
            #expect(try await api.login(user.email).errorCode == "account_locked")
            try await h.core.database.query("""
                UPDATE credentials SET locked_until = now() - interval '1 second' WHERE user_id = \(user.id) AND locked_until > now()
                """)
            #expect(try await api.login(user.email).status == .ok)
            #expect(try await h.count("SELECT failed_attempts FROM credentials WHERE user_id = '\(user.id)'") == 0)
        }
    }
}
