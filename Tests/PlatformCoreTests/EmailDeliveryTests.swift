import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCore
import PostgresNIO
import Testing

/// SMTP delivery through libcurl against a fake SMTP server started in the test.
@Suite("E-mail: outbox relay over SMTP")
struct EmailDeliveryTests {
    @Test func theRelayDeliversOverSMTPAndErasesTheBody() async throws {
        let smtp = try FakeSMTPServer()
        defer { smtp.stop() }
        let h = try await Harness.make {
            $0.mail = .init(smtpURL: "smtp://mailer:s3cret@127.0.0.1:\(smtp.port)", from: "Kisum <no-reply@kisum.test>", tls: "none")
        }
        try await h.core.database.transaction { connection in
            try await h.core.outbox.enqueue(EmailMessage(to: "ann@example.com", subject: "Réinitialisez votre mot de passe",
                                                         text: "Open https://app/reset?token=abc\n.\nbye", kind: "password_reset",
                                                         links: ["reset": "https://app/reset?token=abc"]), on: connection)
        }
        let relay = try PlatformCoreService.emailRelay(h.runtime)
        try await relay.drain()

        let deliveries = smtp.deliveries.withLockedValue { $0 }
        let lastError = try await h.core.database.query("SELECT last_error FROM outbox").first { try $0.decode(String?.self) } ?? nil
        #expect(deliveries.count == 1, "relay error: \(lastError ?? "none")")
        let mail = try #require(deliveries.first)
        #expect(mail.from == "<no-reply@kisum.test>")
        #expect(mail.recipients == ["<ann@example.com>"])
        #expect(mail.data.contains("Subject: =?UTF-8?B?"))
        #expect(mail.data.contains("To: ann@example.com"))
        #expect(mail.data.contains("https://app/reset?token=abc"))
        // curl dot-stuffed the lone "." line so the message did not end early.
        #expect(mail.data.contains("bye"))
        #expect(mail.auth != nil)

        #expect(try await h.count("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL") == 1)
        #expect(try await h.count("SELECT count(*) FROM outbox WHERE payload ->> 'text' = '' AND payload -> 'links' = '{}'::jsonb") == 1)
        try await h.run { api async throws in
            let listed = try await api.internalKey().get("/internal/outbox/emails?to=ann@example.com")
            #expect(listed.json["delivery_mode"] == "smtp")
            #expect(listed.json["items"]?[0]?["status"] == "delivered")
            #expect(listed.json["items"]?[0]?["text"] == "")
        }
    }

    @Test func aRejectedRecipientIsAPermanentFailure() async throws {
        let smtp = try FakeSMTPServer(rejectRecipients: true)
        defer { smtp.stop() }
        let h = try await Harness.make { $0.mail = .init(smtpURL: "smtp://127.0.0.1:\(smtp.port)", tls: "none") }
        try await h.core.database.transaction { connection in
            try await h.core.outbox.enqueue(EmailMessage(to: "nobody@example.com", subject: "Hi", text: "x", kind: "activation"), on: connection)
        }
        try await PlatformCoreService.emailRelay(h.runtime).drain()
        #expect(try await h.count("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND last_error LIKE 'SMTP 5%'") == 1)
    }

    @Test func anUnreachableServerIsRetriedLater() async throws {
        let h = try await Harness.make { $0.mail = .init(smtpURL: "smtp://mailer:s3cret@127.0.0.1:9", tls: "none") }
        try await h.core.database.transaction { connection in
            try await h.core.outbox.enqueue(EmailMessage(to: "later@example.com", subject: "Hi", text: "x", kind: "activation"), on: connection)
        }
        try await PlatformCoreService.emailRelay(h.runtime).runOnce()
        #expect(try await h.count("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL AND attempts = 1 AND next_attempt_at > now()") == 1)
        // The error recorded never holds the SMTP credentials.
        #expect(try await h.count("SELECT count(*) FROM outbox WHERE last_error LIKE '%s3cret%'") == 0)
    }

    @Test func withoutSMTPMessagesAreKeptLocally() async throws {
        let h = try await Harness.make()
        try await h.core.database.transaction { connection in
            try await h.core.outbox.enqueue(EmailMessage(to: "local@example.com", subject: "Hi", text: "link", kind: "activation",
                                                         links: ["activation": "http://localhost:8080/activate?token=t"]), on: connection)
        }
        try await PlatformCoreService.emailRelay(h.runtime).drain()
        try await h.run { api async throws in
            let listed = try await api.internalKey().get("/internal/outbox/emails?to=local@example.com")
            #expect(listed.json["items"]?[0]?["status"] == "kept_locally")
            #expect(listed.json["items"]?[0]?["links"]?["activation"] == "http://localhost:8080/activate?token=t")
        }
    }

    @Test func passwordsAreArgon2idPHCStringsWithOWASPParameters() async throws {
        let hasher = PasswordHasher(settings: .init())
        let phc = try await hasher.hash("correct horse battery")
        #expect(phc.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try await hasher.verify("correct horse battery", against: phc))
        #expect(try await hasher.verify("correct horse batterz", against: phc) == false)
        #expect(try await hasher.verify("x", against: "not a hash") == false)
        #expect(try await hasher.hash("correct horse battery") != phc, "salted")
        var v = Validator()
        PasswordPolicy.check(String(repeating: "é", count: 129), field: "password", settings: .init(), into: &v)
        #expect(v.issues.first?.code == "too_long")
    }
}
