import Foundation
import HTTPTypes
import KisumKernel
import PostgresNIO

/// SQLSTATE → API error. Integrity rules live in the database, so their violations are the
/// caller's problem (409/422), while connection trouble is ours (503). Messages never carry SQL.
extension PSQLError: APIErrorConvertible {
    public var apiError: APIError {
        guard let sqlState = serverInfo?[.sqlState] else {
            switch code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .tooManyParameters:
                return APIError.unavailable("database_unavailable", "The database is unavailable.")
            default:
                return .internalError
            }
        }
        let constraint = serverInfo?[.constraintName]
        let info: [String: JSONValue]? = constraint.map { ["constraint": .string($0)] }
        switch sqlState {
        case "23505":
            return APIError(.conflict, code: "already_exists", message: "A record with these values already exists.", info: info)
        case "23P01":
            return APIError(.conflict, code: "conflict", message: "The change conflicts with an existing record.", info: info)
        case "23503":
            return APIError(.unprocessableContent, code: "reference_not_found", message: "A referenced record does not exist.", info: info)
        case "23514", "23502":
            return APIError(.unprocessableContent, code: "constraint_violated", message: "The values break a data rule.", info: info)
        case "22P02", "22007", "22008", "22003", "22001":
            return APIError(.badRequest, code: "invalid_value", message: "A value has the wrong format or is out of range.")
        case "40001", "40P01":
            return APIError(.conflict, code: "concurrent_update", message: "The record changed concurrently; retry the request.")
        case "57P01", "57P02", "57P03", "53300":
            return APIError.unavailable("database_unavailable", "The database is unavailable.")
        default:
            return .internalError
        }
    }
}

extension Error {
    /// The SQLSTATE and constraint of a database error, for repositories that map specific constraints.
    public var postgresViolation: (sqlState: String, constraint: String?)? {
        guard let error = self as? PSQLError, let state = error.serverInfo?[.sqlState] else { return nil }
        return (state, error.serverInfo?[.constraintName])
    }
}
