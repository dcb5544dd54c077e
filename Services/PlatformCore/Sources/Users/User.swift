import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// A user as the API shows it (snake_case on the wire). Never carries the password hash or counters.
public struct User: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var status: String
    public var fullName: String?
    public var displayName: String?
    public var title: String?
    public var phone: String?
    public var bio: String?
    public var timezone: String?
    public var locale: String?
    public var avatarUrl: String?
    public var isActive: Bool
    public var emailVerified: Bool
    public var hasPassword: Bool
    public var lastLoginAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public enum Status {
        public static let pending = "pending"
        public static let active = "active"
        public static let disabled = "disabled"
    }

    init(row: PostgresRow) throws {
        let c = Columns(row)
        id = try c("id")
        email = try c("email")
        status = try c("status")
        fullName = try c("full_name")
        displayName = try c("display_name")
        title = try c("title")
        phone = try c("phone")
        bio = try c("bio")
        timezone = try c("timezone")
        locale = try c("locale")
        avatarUrl = try c("avatar_url")
        emailVerified = try c("email_verified_at", as: Date?.self) != nil
        lastLoginAt = try c("last_login_at")
        createdAt = try c("created_at")
        updatedAt = try c("updated_at")
        hasPassword = try c("has_password")
        isActive = status == Status.active
    }
}

/// E-mail addresses are compared case-insensitively and stored trimmed and lower-cased.
public enum EmailAddress {
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
