import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOConcurrencyHelpers
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Webhooks: per company, URL validated (https except loopback in development; private and link-local
/// addresses refused, so a webhook cannot reach the internal network), secret shown once, payloads signed (HMAC-SHA256
/// with a timestamp, the scheme documented in the contract), delivered from the outbox over libcurl with retries,
/// backoff and a delivery log; `test` sends a signed test payload; toggle, regenerate-secret, count." Done when: "A
/// webhook receiver started in the test gets a signed delivery that it verifies; a receiver that is down gets the
/// delivery after it comes back; a webhook pointing at 169.254.169.254 or 10.0.0.1 is refused."
@Suite("Webhooks: signed deliveries from the outbox")
struct WebhooksDeliveryTests {
    static func loopbackHarness() async throws -> Harness {
        try await Harness.make(backgroundJobs: true) { $0.webhooks.allowLoopback = true }
    }

    @Test func aReceiverGetsSignedDeliveriesItVerifies() async throws {
        let h = try await Self.loopbackHarness()
        let crew = try await AccessCrew.make(h)
        let receiver = WebhookReceiver()
        try await withRunningApplication({ receiver.application(onRunning: $0) }) { port async throws in
            try await h.run { api async throws in
                let asAdmin = crew.client(api, "admin")
                let created = try await asAdmin.post("/api/v1/webhooks", [
                    "name": "Ops", "url": .string("http://127.0.0.1:\(port)/hook"), "events": ["webhook.*", "member.invited"],
                ])
                #expect(created.status == .created)
                let id = try #require(created.json["id"]?.string)
                let secret = try #require(created.json["secret"]?.string)
                #expect(secret.hasPrefix("whsec_") && secret.count > 40)
                #expect(created.json["secret_revealed"] == true)
                #expect(created.json["events"] == ["webhook.*", "member.invited"])

                // Its own creation is workspace activity the webhook subscribes to: delivered by the relay, signed.
                #expect(try await webhookEventually { !receiver.received("webhook.created").isEmpty })
                let delivery = try #require(receiver.received("webhook.created").first)
                let signature = try #require(delivery.signature)
                #expect(WebhookSignature.verify(header: signature, body: delivery.body, secret: secret))
                #expect(!WebhookSignature.verify(header: signature, body: delivery.body + [0x20], secret: secret), "a changed body fails")
                #expect(!WebhookSignature.verify(header: signature, body: delivery.body, secret: secret + "x"), "another secret fails")
                #expect(delivery.json["event"] == "webhook.created")
                #expect(delivery.json["workspace_id"]?.string == crew.workspace.id.uuidString.lowercased())
                #expect(delivery.json["data"]?["entity_id"]?.string == id)
                #expect(delivery.headers["kisum-delivery"] == delivery.json["id"]?.string)
                #expect(delivery.headers["content-type"] == "application/json")

                // Never the secret again; the masked form ends like the secret.
                let fetched = try await asAdmin.get("/api/v1/webhooks/\(id)")
                #expect(fetched.status == .ok)
                #expect(!fetched.text.contains(secret))
                #expect(fetched.json["secret"]?.string == "whsec_…" + String(secret.suffix(4)))
                #expect(fetched.json["secret_revealed"] == false)
                #expect(try await webhookEventually {
                    try await asAdmin.get("/api/v1/webhooks/\(id)").json["last_delivery_outcome"] == "delivered"
                })

                // test: a signed test payload, answered with the receiver's status.
                let tested = try await asAdmin.post("/api/v1/webhooks/\(id)/test", ["event": "booking.confirmed", "payload": ["n": 1]])
                #expect(tested.status == .ok)
                #expect(tested.json["success"] == true)
                #expect(tested.json["status_code"] == 200)
                let test = try #require(receiver.received("booking.confirmed").first)
                #expect(WebhookSignature.verify(header: test.signature ?? "", body: test.body, secret: secret))
                #expect(test.json["test"] == true)
                #expect(test.json["data"] == ["n": 1])

                // A failing receiver: success false with its status.
                receiver.status.withLockedValue { $0 = 500 }
                let failing = try await asAdmin.post("/api/v1/webhooks/\(id)/test")
                #expect(failing.json["success"] == false)
                #expect(failing.json["status_code"] == 500)
                receiver.status.withLockedValue { $0 = 200 }

                // A regenerated secret signs from then on; the old one no longer verifies.
                let regenerated = try await asAdmin.post("/api/v1/webhooks/\(id)/regenerate-secret")
                #expect(regenerated.status == .ok)
                let newSecret = try #require(regenerated.json["secret"]?.string)
                #expect(newSecret != secret)
                _ = try await asAdmin.post("/api/v1/webhooks/\(id)/test", ["event": "after.rotation"])
                let rotated = try #require(receiver.received("after.rotation").first)
                #expect(WebhookSignature.verify(header: rotated.signature ?? "", body: rotated.body, secret: newSecret))
                #expect(!WebhookSignature.verify(header: rotated.signature ?? "", body: rotated.body, secret: secret))
            }
        }
        let logged = try await h.count("SELECT count(*) FROM webhook_deliveries WHERE outcome = 'delivered' AND status_code = 200")
        #expect(logged >= 3)
        #expect(try await h.count("SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed' AND status_code = 500") == 1)
    }

    @Test func aReceiverThatIsDownGetsTheDeliveryWhenItComesBack() async throws {
        let h = try await Self.loopbackHarness()
        let crew = try await AccessCrew.make(h)
        let receiver = WebhookReceiver()
        // A free port: a receiver started and stopped again.
        let port = try await withRunningApplication({ receiver.application(onRunning: $0) }) { port in port }
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let created = try await asOwner.post("/api/v1/webhooks", ["url": .string("http://127.0.0.1:\(port)/hook"), "events": ["webhook.created"]])
            #expect(created.status == .created)
            #expect(created.json["name"] == "127.0.0.1", "the host names an unnamed webhook")
            let secret = try #require(created.json["secret"]?.string)
            // The first attempt fails (nothing listens) and is logged; the relay schedules a retry.
            #expect(try await webhookEventually {
                try await h.count("SELECT count(*) FROM webhook_deliveries WHERE outcome = 'retrying' AND status_code IS NULL") >= 1
            })
            // The relay counts the attempt after the handler logged it, and keeps the message for a retry.
            #expect(try await webhookEventually {
                try await h.count("""
                    SELECT count(*) FROM outbox WHERE topic = 'webhook' AND attempts >= 1 AND delivered_at IS NULL AND dead_at IS NULL
                    """) == 1
            })
            try await withRunningApplication({ receiver.application(port: port, onRunning: $0) }) { _ async throws in
                #expect(try await webhookEventually(120) { !receiver.received("webhook.created").isEmpty })
            }
            let delivery = try #require(receiver.received("webhook.created").first)
            #expect(WebhookSignature.verify(header: delivery.signature ?? "", body: delivery.body, secret: secret))
            #expect(try await webhookEventually {
                try await h.count("SELECT count(*) FROM outbox WHERE topic = 'webhook' AND delivered_at IS NOT NULL") == 1
            })
        }
        #expect(try await h.count("SELECT count(*) FROM webhook_deliveries WHERE outcome = 'delivered' AND attempt >= 2") == 1)
    }

    /// The trigger enqueues inside the writer's transaction: one message per enabled, subscribed webhook of that
    /// workspace; a disabled webhook, another action, another workspace's activity, or a rolled-back change: none.
    @Test func activityIsEnqueuedForSubscribedEnabledWebhooksOnly() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        let other = try await AccessCrew.make(h)
        let ids = NIOLockedValueBox<[String: String]>([:])
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            // A name that cannot resolve is refused before anything is stored.
            #expect(try await asOwner.post("/api/v1/webhooks", ["url": "https://hooks.kisum.invalid/x"]).errorCode == "webhook_url_unresolvable")
            for (name, events) in [("members", ["member.*"]), ("exact", ["member.invited"]), ("teams", ["team.created"]), ("off", ["*"])]
                as [(String, [JSONValue])] {
                let r = try await asOwner.post("/api/v1/webhooks", ["name": .string(name), "url": "https://8.8.8.8/hook", "events": .array(events),
                                                                      "is_active": .bool(name != "off")])
                #expect(r.status == .created)
                ids.withLockedValue { $0[name] = r.json["id"]?.string }
            }
            #expect(try await asOwner.get("/api/v1/webhooks/\(ids.withLockedValue { $0["off"] } ?? "")").json["events"] == [], "* means every event")
        }
        func queued(_ name: String) async throws -> Int {
            let id = ids.withLockedValue { $0[name] } ?? ""
            return try await h.count("SELECT count(*) FROM outbox WHERE topic = 'webhook' AND payload ->> 'webhook_id' = '\(id)'")
        }
        try await h.core.database.query("""
            INSERT INTO activity (workspace_id, action, entity_type, entity_id) VALUES
                (\(crew.workspace.id), 'member.invited', 'member', 'm1'), (\(crew.workspace.id), 'member.removed', 'member', 'm2'),
                (\(crew.workspace.id), 'members_x.invited', 'member', 'm3'), (\(other.workspace.id), 'team.created', 'team', 't1')
            """)
        do {
            try await h.core.database.transaction { connection -> Void in
                try await connection.query("INSERT INTO activity (workspace_id, action) VALUES (\(crew.workspace.id), 'team.created')",
                                           logger: h.core.logger)
                throw APIError.conflict("rolled_back", "the change is rolled back")
            }
        } catch {}
        #expect(try await queued("members") == 2)
        #expect(try await queued("exact") == 1)
        #expect(try await queued("teams") == 0)
        #expect(try await queued("off") == 0)
    }

    /// Refused at delivery too: a URL that now points inside (edited in the database, or DNS that changed) is logged
    /// as failed and given up without a request.
    @Test func deliveryRechecksTheURLAndGivesUp() async throws {
        let h = try await Harness.make(backgroundJobs: true)
        let crew = try await AccessCrew.make(h)
        let created = NIOLockedValueBox("")
        try await h.run { api async throws in
            let r = try await crew.client(api, "owner").post("/api/v1/webhooks", ["url": "https://8.8.8.8/hook", "events": ["member.invited"]])
            created.withLockedValue { $0 = r.json["id"]?.string ?? "" }
        }
        let id = created.withLockedValue { $0 }
        try await h.core.database.query("UPDATE webhooks SET url = 'https://10.0.0.1/hook'")
        try await h.core.database.query("INSERT INTO activity (workspace_id, action) VALUES (\(crew.workspace.id), 'member.invited')")
        try await PlatformCoreService.webhookRelay(h.runtime).drain()
        #expect(try await h.count("SELECT count(*) FROM outbox WHERE topic = 'webhook' AND dead_at IS NOT NULL AND attempts = 1") == 1)
        #expect(try await h.count("""
            SELECT count(*) FROM webhook_deliveries WHERE webhook_id = '\(id)' AND outcome = 'failed' AND error LIKE 'webhook_url_forbidden%'
            """) == 1)
    }

    /// The delivery log keeps 30 days: a new attempt prunes the webhook's older rows. An unreachable receiver: the
    /// test answers success false without a status code, and the attempt is logged with its error.
    @Test func theDeliveryLogPrunesOldAttempts() async throws {
        let h = try await Self.loopbackHarness()
        let crew = try await AccessCrew.make(h)
        let receiver = WebhookReceiver()
        let port = try await withRunningApplication({ receiver.application(onRunning: $0) }) { port in port }
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let id = try #require(try await asOwner.post("/api/v1/webhooks", ["url": .string("http://127.0.0.1:\(port)/hook"), "events": ["x.y"]])
                .json["id"]?.string)
            try await h.core.database.query("""
                INSERT INTO webhook_deliveries (workspace_id, webhook_id, event, attempt, duration_ms, outcome, created_at)
                VALUES (\(crew.workspace.id), \(UUID(uuidString: id)), 'old.event', 1, 5, 'delivered', now() - interval '31 days'),
                       (\(crew.workspace.id), \(UUID(uuidString: id)), 'recent.event', 1, 5, 'delivered', now() - interval '29 days')
                """)
            let tested = try await asOwner.post("/api/v1/webhooks/\(id)/test")
            #expect(tested.status == .ok)
            #expect(tested.json["success"] == false)
            #expect(tested.json["status_code"] == .null)
            #expect(tested.json["message"]?.string?.contains("unreachable") == true)
            #expect(try await asOwner.get("/api/v1/webhooks/\(id)").json["last_delivery_outcome"] == "failed")
        }
        let events = try await h.core.database.query("SELECT event FROM webhook_deliveries ORDER BY created_at").collect { try $0.decode(String.self) }
        #expect(events == ["recent.event", "webhook.test"])
        #expect(try await h.count("SELECT count(*) FROM webhook_deliveries WHERE error LIKE 'unreachable%' AND status_code IS NULL") == 1)
    }
}
