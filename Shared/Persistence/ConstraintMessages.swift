import Foundation
import KisumKernel

/// Turns violations of named constraints into field-level API errors. The database enforces the
/// rule; this only says which input broke it, so the client can show it next to the field.
public struct ConstraintMessages: Sendable {
    private let entries: [String: APIError]

    public init(_ entries: [String: APIError]) {
        self.entries = entries
    }

    /// A 422 `validation_failed` naming the field.
    public static func field(_ field: String, _ code: String, _ message: String) -> APIError {
        .validation(field: field, code: code, message: message)
    }

    /// Runs `body`, rethrowing a known constraint violation as its mapped error.
    public func map<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw translate(error)
        }
    }

    public func translate(_ error: any Error) -> any Error {
        guard let violation = error.postgresViolation, let constraint = violation.constraint,
              let mapped = entries[constraint] else { return error }
        return mapped
    }
}
