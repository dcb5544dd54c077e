import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// One e-mail as it sits in the outbox (topic `email`). Single-word keys, so the kernel's camelCase
/// outbox encoder and the snake_case API agree on the JSON.
public struct EmailMessage: Codable, Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    /// What kind of e-mail: `activation`, `password_reset`, `invitation`, `verification`, …
    public var kind: String
    /// The actionable links in the message (e.g. `{"activation": "https://…"}`), so local users and tests
    /// can follow them without parsing the text. Removed with the body once delivered over SMTP.
    public var links: [String: String]

    public init(to: String, subject: String, text: String, kind: String, links: [String: String] = [:]) {
        self.to = to
        self.subject = subject
        self.text = text
        self.kind = kind
        self.links = links
    }
}

/// Writes e-mails into the outbox inside the caller's transaction, so the message exists exactly when
/// the change that causes it commits.
public struct EmailOutbox: Sendable {
    public static let topic = "email"
    let logger: Logger

    public func enqueue(_ message: EmailMessage, workspaceID: UUID? = nil, on connection: PostgresConnection) async throws {
        try await Outbox.enqueue(on: connection, topic: Self.topic, companyID: workspaceID, payload: message,
                                 idempotencyKey: "email:\(message.kind):\(UUID().uuidString.lowercased())", logger: logger)
    }
}

/// The texts of the e-mails Platform Core sends. Plain text keeps them readable in the outbox and in
/// every mail client; links are absolute URLs into the web app.
public struct EmailComposer: Sendable {
    let appURL: String

    func link(_ path: String, _ query: [(String, String)]) -> String {
        if var components = URLComponents(string: appURL + path) {
            components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            if let link = components.string { return link }
        }
        // PUBLIC_APP_URL passed `URL(string:)` at startup, which is more lenient than URLComponents:
        // build the query by hand rather than trap while a request sends an e-mail.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        let pairs = query.map { "\(encode($0.0))=\(encode($0.1))" }
        return appURL + path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    func activation(to email: String, name: String?, token: String, workspaceID: UUID?, workspaceName: String?, hours: Int) -> EmailMessage {
        var query = [("token", token)]
        if let workspaceID { query.append(("workspace_id", workspaceID.uuidString.lowercased())) }
        let url = link("/activate", query)
        let place = workspaceName.map { " to join \($0)" } ?? ""
        return EmailMessage(
            to: email,
            subject: "Activate your Kisum account",
            text: """
                Hello\(name.map { " \($0)" } ?? ""),

                Your Kisum account is ready. Open this link\(place) and choose a password:

                \(url)

                The link works once and expires in \(hours) hour\(hours == 1 ? "" : "s").
                If you did not expect this e-mail, you can ignore it.
                """,
            kind: "activation",
            links: ["activation": url])
    }

    func verification(to email: String, name: String?, token: String, hours: Int) -> EmailMessage {
        let url = link("/activate", [("token", token)])
        return EmailMessage(
            to: email,
            subject: "Confirm your e-mail address for Kisum",
            text: """
                Hello\(name.map { " \($0)" } ?? ""),

                Welcome to Kisum. Please confirm your e-mail address:

                \(url)

                The link works once and expires in \(hours) hour\(hours == 1 ? "" : "s").
                """,
            kind: "verification",
            links: ["activation": url])
    }

    func passwordReset(to email: String, name: String?, token: String, hours: Int) -> EmailMessage {
        let url = link("/reset-password", [("token", token)])
        return EmailMessage(
            to: email,
            subject: "Reset your Kisum password",
            text: """
                Hello\(name.map { " \($0)" } ?? ""),

                Someone asked to reset the password of your Kisum account. To choose a new one, open:

                \(url)

                The link works once and expires in \(hours) hour\(hours == 1 ? "" : "s").
                If you did not ask for this, ignore this e-mail; your password stays as it is.
                """,
            kind: "password_reset",
            links: ["reset": url])
    }

    func passwordResetLink(token: String) -> String {
        link("/reset-password", [("token", token)])
    }

    func invitation(to email: String, inviter: String?, workspaceName: String, token: String, days: Int) -> EmailMessage {
        let url = invitationLink(token: token)
        return EmailMessage(
            to: email,
            subject: "You are invited to \(workspaceName) on Kisum",
            text: """
                Hello,

                \(inviter ?? "A colleague") invited you to join \(workspaceName) on Kisum. Accept the invitation here:

                \(url)

                The link works once and expires in \(days) day\(days == 1 ? "" : "s").
                """,
            kind: "invitation",
            links: ["invitation": url])
    }

    func invitationLink(token: String) -> String {
        link("/accept-invitation", [("token", token)])
    }

    func passwordChanged(to email: String, name: String?) -> EmailMessage {
        EmailMessage(
            to: email,
            subject: "Your Kisum password was changed",
            text: """
                Hello\(name.map { " \($0)" } ?? ""),

                The password of your Kisum account was just changed and your other sessions were signed out.
                If this was not you, reset your password at \(link("/forgot-password", [])) and contact your administrator.
                """,
            kind: "password_changed")
    }
}
