import Foundation
import KisumKernel
import KisumTesting
import PlatformCoreAPI
import Testing

/// Issue 11, "Done when": "A test holds an SSE stream open through the real gateway while 1,000 notifications are
/// produced concurrently by several writers; the client receives all 1,000 exactly once, in order, including across a
/// forced reconnect with `Last-Event-ID`."
///
/// nginx runs `deploy/gateway/routes.conf` verbatim (every upstream pointed at the live Platform Core); curl reads the
/// stream through `/platform/api/v1/notifications/stream` as a browser's EventSource would.
@Suite("System: notification stream through the gateway", .timeLimit(.minutes(10)))
struct NotificationsThroughGatewayTests {
    @Test(.enabled(if: NginxInstance.executable != nil, "nginx is not installed"))
    func thousandConcurrentNotificationsArriveOnceInOrderAcrossAReconnect() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@stream.example", company: "Tivoli") { live in
            let token = try #require(live.token)
            let me = try await Caller(baseURL: live.url).with(token: token, org: live.workspace).call("GET", "/api/v1/auth/me")
            let owner = try #require(me.json["user"]?["id"]?.uuid, "\(me.json)")
            let corePort = try #require(URLComponents(string: live.url)?.port)
            let gateway = try NginxInstance.gateway(upstreamPort: corePort)
            defer { gateway.remove() }
            try await gateway.start()
            let url = "http://127.0.0.1:\(gateway.port)/platform/api/v1/notifications/stream"

            let first = try EventStreamReader(url: url, token: token)
            try await first.waitFor(timeout: .seconds(120)) { $0.contains(": connected") }
            let producer = PlatformNotificationsClient(baseURL: live.url, apiKey: TestDefaults.internalKeys[1], timeout: .seconds(30))
            let writers = Task {
                try await withThrowingTaskGroup(of: [UUID].self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            var ids: [UUID] = []
                            for n in 0..<125 {
                                let answer = try await producer.notify(NotificationRequest(
                                    companyId: live.workspace, userIds: [owner], type: "task.assigned", title: "Task \(writer)-\(n)",
                                    source: "base"))
                                ids += answer.delivered.compactMap(\.notificationId)
                            }
                            return ids
                        }
                    }
                    var all: [UUID] = []
                    for try await ids in group { all += ids }
                    return all
                }
            }
            // A forced reconnect in the middle of the writing. The deadlines are generous: beside a full parallel run the
            // writers crawl (about one notification a second at the peak), and speed up once the rest of the suite is done.
            try await first.waitFor(timeout: .seconds(600)) { _ in first.events.count >= 300 }
            first.stop()
            let before = first.events
            let resumeAfter = try #require(before.last?.id)
            let second = try EventStreamReader(url: url, token: token, lastEventID: resumeAfter)
            defer { second.stop() }
            let written = try await writers.value
            #expect(written.count == 1000)
            try await second.waitFor(timeout: .seconds(600)) { _ in before.count + second.events.count >= 1000 }
            try await Task.sleep(for: .milliseconds(500))
            let after = second.events

            let all = before + after
            #expect(all.count == 1000, "received \(all.count)")
            #expect(Set(all.map(\.notificationID)) == Set(written))
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(Set(all.map(\.id)).count == all.count)
            #expect(after.allSatisfy { $0.id > resumeAfter })
        }
    }
}
