import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 9: "Tasks (8, with comments)"; "Every list has filters, sorting and paging; every route checks … a
/// `basic.*` permission; another company's ids answer 404."
@Suite("Base tasks")
struct TasksTests {
    @Test func createReadReplaceMoveCommentAndDelete() async throws {
        try await withOps { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Paradiso", on: "2027-06-01")
            let assignee = UUID()
            let created = try await api.post("/api/tasks", [
                "title": " Send rider ", "description": "Tech + hospitality", "eventId": .string(event.uuidString), "priority": "high",
                "dueOn": "2027-05-20", "assigneeId": .string(assignee.uuidString),
            ])
            #expect(created.status == .created)
            #expect(created.json["title"] == "Send rider")
            #expect(created.json["status"] == "todo")
            #expect(created.json["eventName"] == "Paradiso")
            #expect(created.json["completedAt"] == .null)
            #expect(created.json["commentCount"] == 0)
            let id = try #require(created.json["id"]?.uuid)

            let comment = try await api.post("/api/tasks/\(id)/comments", ["body": " Asked the TM "])
            #expect(comment.status == .created)
            #expect(comment.json["body"] == "Asked the TM")
            _ = try await api.post("/api/tasks/\(id)/comments", ["body": "Rider received"])
            let read = try await api.get("/api/tasks/\(id)")
            #expect(read.status == .ok)
            #expect(read.headers[.eTag] == "\"1\"")
            #expect(read.json["commentCount"] == 2)
            #expect(read.json["comments"]?.arrayValue?.map { $0["body"] } == ["Asked the TM", "Rider received"])

            let done = try await api.patch("/api/tasks/\(id)/status", ["status": "done"])
            #expect(done.status == .ok)
            #expect(done.json["status"] == "done")
            #expect(done.json["completedAt"] != .null)
            #expect(done.json["version"] == 2)

            let replaced = try await api.put("/api/tasks/\(id)", ["title": "Send rider v2", "version": 2])
            #expect(replaced.status == .ok)
            #expect(replaced.json["status"] == "done")
            #expect(replaced.json["completedAt"] != .null)
            #expect(replaced.json["eventId"] == .null)
            #expect(replaced.json["priority"] == "high")
            #expect(replaced.json["version"] == 3)
            let stale = try await api.put("/api/tasks/\(id)", ["title": "Lost edit", "version": 2])
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            let reopened = try await api.request(.put, "/api/tasks/\(id)", json: ["title": "Reopened", "status": "in_progress"],
                                                 headers: [.ifMatch: "\"3\""])
            #expect(reopened.json["completedAt"] == .null)

            #expect(try await api.delete("/api/tasks/\(id)").status == .noContent)
            #expect(try await api.get("/api/tasks/\(id)").status == .notFound)
            #expect(try await api.post("/api/tasks/\(id)/comments", ["body": "late"]).status == .notFound)
        }
    }

    @Test func listFiltersSortsAndPagesAndTheEventsTasks() async throws {
        try await withOps { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Fest", on: "2027-07-01")
            let empty = try await t.insertOpsEvent("Nothing", on: "2027-07-02")
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-07-03", company: t.companyB)
            let me = UUID()
            let a = try await api.opsCreated("/api/tasks", ["title": "Book hotel", "dueOn": "2027-06-10", "priority": "low", "assigneeId": .string(me.uuidString)])
            let b = try await api.opsCreated("/api/tasks", ["title": "Advance show", "dueOn": "2027-06-01", "priority": "urgent", "eventId": .string(event.uuidString)])
            let c = try await api.opsCreated("/api/tasks", ["title": "Invoice", "status": "in_progress", "description": "for the hotel"])

            #expect(try await api.get("/api/tasks").json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [b, a, c])
            #expect(try await api.get("/api/tasks?sort=-priority").json["items"]?[0]?["id"]?.uuid == b)
            #expect(try await api.get("/api/tasks?sort=title").json["items"]?[0]?["id"]?.uuid == b)
            #expect(try await api.get("/api/tasks?sort=-createdAt&limit=1&page=1").json["items"]?[0]?["id"]?.uuid == c)
            #expect(try await api.get("/api/tasks?status=in_progress").json["total"] == 1)
            #expect(try await api.get("/api/tasks?assigneeId=\(me)").json["items"]?[0]?["id"]?.uuid == a)
            #expect(try await api.get("/api/tasks?eventId=\(event)").json["items"]?[0]?["id"]?.uuid == b)
            #expect(try await api.get("/api/tasks?dueFrom=2027-06-05&dueTo=2027-06-30").json["items"]?[0]?["id"]?.uuid == a)
            #expect(try await api.get("/api/tasks?q=HOTEL").json["total"] == 2)
            #expect(try await api.get("/api/tasks?priority=urgent").json["total"] == 1)

            let byEvent = try await api.get("/api/tasks/event/\(event)")
            #expect(byEvent.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [b])
            #expect(try await api.get("/api/tasks/event/\(empty)").json["total"] == 0)
            #expect(try await api.get("/api/tasks/event/\(theirs)").status == .notFound)
            #expect(try await api.get("/api/tasks/event/\(UUID())").status == .notFound)

            #expect(try await api.get("/api/tasks?sort=owner").status == .badRequest)
            #expect(try await api.get("/api/tasks?dueFrom=2027-02-30").status == .badRequest)
            #expect(try await api.get("/api/tasks?status=").status == .badRequest)
            #expect(try await t.b.get("/api/tasks").json["total"] == 0)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withOps { t in
            let api = t.a
            let invalid = try await api.post("/api/tasks", ["title": " ", "status": "blocked", "priority": "asap", "dueOn": "2027-13-01"])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["title", "status", "priority", "dueOn"])
            let theirEvent = try await t.insertOpsEvent("Theirs", on: "2027-07-03", company: t.companyB)
            #expect(try await api.post("/api/tasks", ["title": "X", "eventId": .string(theirEvent.uuidString)]).errorFields == ["eventId"])
            #expect(try await api.request(.post, "/api/tasks", rawBody: "{\"title\": 3}").status == .badRequest)

            let id = try await api.opsCreated("/api/tasks", ["title": "Mine"])
            #expect(try await api.put("/api/tasks/\(id)", ["title": "No version"]).errorFields == ["version"])
            #expect(try await api.patch("/api/tasks/\(id)/status", ["status": "stuck"]).errorFields == ["status"])
            #expect(try await api.patch("/api/tasks/\(id)/status", [:]).errorFields == ["status"])
            #expect(try await api.post("/api/tasks/\(id)/comments", ["body": "  "]).errorFields == ["body"])
            #expect(try await api.request(.patch, "/api/tasks/\(id)/status", rawBody: "[").status == .badRequest)

            let reader = t.a(permissions: [BasePermission.tasksRead])
            #expect(try await reader.get("/api/tasks/\(id)").status == .ok)
            #expect(try await reader.post("/api/tasks", ["title": "No"]).status == .forbidden)
            #expect(try await reader.patch("/api/tasks/\(id)/status", ["status": "done"]).status == .forbidden)
            #expect(try await reader.post("/api/tasks/\(id)/comments", ["body": "No"]).status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/tasks").status == .forbidden)

            let b = t.b
            #expect(try await b.get("/api/tasks/\(id)").status == .notFound)
            #expect(try await b.put("/api/tasks/\(id)", ["title": "B", "version": 1]).status == .notFound)
            #expect(try await b.patch("/api/tasks/\(id)/status", ["status": "done"]).status == .notFound)
            #expect(try await b.post("/api/tasks/\(id)/comments", ["body": "B"]).status == .notFound)
            #expect(try await b.delete("/api/tasks/\(id)").status == .notFound)
            #expect(try await api.get("/api/tasks/\(id)").json["status"] == "todo")
        }
    }
}
