import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Operations")
struct OperationsTests {
    func titles(_ value: JSONValue?) -> [String] {
        (value?["tasks"]?.arrayValue ?? []).compactMap { $0["title"]?.stringValue }
    }

    @Test func templatesCreateGetListAndReplaceTasks() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let created = try await api.post("/api/v1/operations/templates", [
                "name": "Standard show day", "description": "Doors at 19:00",
                "tasks": [["title": "Load-in", "dueOffsetMinutes": -240], ["title": "Soundcheck", "dueOffsetMinutes": -120],
                          ["title": "Settle", "description": "Count the door", "dueOffsetMinutes": 240]],
            ])
            #expect(created.status == .created)
            let id = try requireUUID(created.json["id"])
            #expect(titles(created.json) == ["Load-in", "Soundcheck", "Settle"])
            #expect(created.json["tasks"]?[2]?["position"] == 2)
            #expect(created.json["tasks"]?[0]?["dueOffsetMinutes"] == -240)
            try await api.post("/api/v1/operations/templates", ["name": "Private hire"])

            #expect(titles(try await api.get("/api/v1/operations/templates/\(id)").json) == ["Load-in", "Soundcheck", "Settle"])
            let list = try await api.get("/api/v1/operations/templates")
            #expect(list.json["total"] == 2)
            #expect(list.json["items"]?[0]?["name"] == "Private hire", "templates are listed by name")
            #expect(titles(list.json["items"]?[1]) == ["Load-in", "Soundcheck", "Settle"], "list items carry their tasks")
            #expect(try await api.get("/api/v1/operations/templates?q=doors").json["total"] == 1)
            #expect(try await api.get("/api/v1/operations/templates?limit=1&page=2").json["items"]?.arrayValue?.count == 1)

            let renamed = try await api.patch("/api/v1/operations/templates/\(id)", ["name": "Show day", "description": nil])
            #expect(renamed.json["name"] == "Show day")
            #expect(renamed.json["description"] == .null)
            #expect(titles(renamed.json) == ["Load-in", "Soundcheck", "Settle"], "metadata patches leave tasks alone")
            let replaced = try await api.patch("/api/v1/operations/templates/\(id)", ["tasks": [["title": "Doors"], ["title": "Curfew"]]])
            #expect(titles(replaced.json) == ["Doors", "Curfew"])
            #expect(replaced.json["tasks"]?[1]?["position"] == 1)
            #expect(titles(try await api.patch("/api/v1/operations/templates/\(id)", ["tasks": []]).json) == [])

            let invalid = try await api.post("/api/v1/operations/templates", ["tasks": [["description": "no title"], ["title": "x", "dueOffsetMinutes": 10_000_000]]])
            #expect(Set(invalid.errorFields) == ["name", "tasks[0].title", "tasks[1].dueOffsetMinutes"])
            #expect(Set(try await api.patch("/api/v1/operations/templates/\(id)", ["name": nil, "tasks": nil]).errorFields) == ["name", "tasks"])
            #expect(try await api.request(.post, "/api/v1/operations/templates", rawBody: "{").status == .badRequest)
        }
    }

    @Test func checklistsBlankInlineAndClonedFromTemplate() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let template = try requireUUID(try await api.post("/api/v1/operations/templates", [
                "name": "Show day",
                "tasks": [["title": "Load-in", "dueOffsetMinutes": -240], ["title": "Doors", "description": "Scan tickets"], ["title": "Settle", "dueOffsetMinutes": 180]],
            ]).json["id"])

            let blank = try await api.post("/api/v1/operations/checklists", ["name": "Ad hoc"])
            #expect(blank.status == .created)
            #expect(blank.json["tasks"] == [])
            #expect(blank.json["readinessState"] == "not_started")
            #expect(blank.json["status"] == "open")
            #expect(blank.json["progress"]?["total"] == 0)

            let due = "2030-06-01T19:00:00Z"
            let cloned = try await api.post("/api/v1/operations/checklists", ["name": "Friday show", "templateId": .string(template.uuidString), "dueAt": .string(due)])
            #expect(cloned.status == .created)
            #expect(cloned.json["templateId"]?.uuid == template)
            #expect(titles(cloned.json) == ["Load-in", "Doors", "Settle"])
            #expect(cloned.json["tasks"]?[0]?["dueAt"]?.stringValue.flatMap(RFC3339.date) == RFC3339.date(from: "2030-06-01T15:00:00Z"))
            #expect(cloned.json["tasks"]?[1]?["dueAt"] == .null, "a task without an offset has no due time")
            #expect(cloned.json["tasks"]?[1]?["description"] == "Scan tickets")
            #expect(cloned.json["tasks"]?[2]?["dueAt"]?.stringValue.flatMap(RFC3339.date) == RFC3339.date(from: "2030-06-01T22:00:00Z"))
            #expect(cloned.json["tasks"]?[0]?["status"] == "todo")

            // Without its own dueAt, a checklist of an event is anchored on the event's start.
            let event = try requireUUID(try await api.post("/api/v1/events", [
                "placeholder": true, "placeholderPromoterName": "Off-platform", "startAt": "2030-07-01T20:00:00Z", "endAt": "2030-07-01T23:00:00Z",
            ]).json["id"])
            let anchored = try await api.post("/api/v1/operations/checklists", [
                "name": "July show", "templateId": .string(template.uuidString), "eventId": .string(event.uuidString),
            ])
            #expect(anchored.json["tasks"]?[0]?["dueAt"]?.stringValue.flatMap(RFC3339.date) == RFC3339.date(from: "2030-07-01T16:00:00Z"))
            #expect(anchored.json["eventId"]?.uuid == event)

            // Inline tasks win over the template; an explicit empty list means no tasks.
            let inline = try await api.post("/api/v1/operations/checklists", [
                "name": "Custom", "templateId": .string(template.uuidString), "readinessState": "in_progress",
                "tasks": [["title": "Check fire exits", "status": "done"], ["title": "Brief security", "assigneeId": .string(UUID().uuidString)]],
            ])
            #expect(titles(inline.json) == ["Check fire exits", "Brief security"])
            #expect(inline.json["tasks"]?[0]?["completedAt"]?.isNull == false)
            #expect(inline.json["tasks"]?[1]?["completedAt"] == .null)
            #expect(inline.json["progress"]?["closed"] == 1)
            #expect(inline.json["readinessState"] == "in_progress")
            let none = try await api.post("/api/v1/operations/checklists", ["name": "Empty", "templateId": .string(template.uuidString), "tasks": []])
            #expect(none.json["tasks"] == [])
        }
    }

    @Test func patchReplacesTasksOnlyWhenGivenAndReadinessTransitions() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let created = try await api.post("/api/v1/operations/checklists", [
                "name": "Show", "tasks": [["title": "Load-in"], ["title": "Soundcheck", "status": "done"], ["title": "Doors"]],
            ])
            let id = try requireUUID(created.json["id"])
            let loadIn = try requireUUID(created.json["tasks"]?[0]?["id"])
            let soundcheck = try requireUUID(created.json["tasks"]?[1]?["id"])
            let soundcheckDoneAt = created.json["tasks"]?[1]?["completedAt"]

            let renamed = try await api.patch("/api/v1/operations/checklists/\(id)", ["name": "Friday show", "notes": "sold out"])
            #expect(renamed.json["name"] == "Friday show")
            #expect(titles(renamed.json) == ["Load-in", "Soundcheck", "Doors"], "no tasks key: tasks untouched")
            #expect(renamed.json["tasks"]?[0]?["id"]?.uuid == loadIn)

            // Reorder, keep two by id, drop one, add one.
            let replaced = try await api.patch("/api/v1/operations/checklists/\(id)", ["tasks": [
                ["id": .string(soundcheck.uuidString), "title": "Soundcheck", "status": "done"],
                ["id": .string(loadIn.uuidString), "title": "Load-in (dock B)", "status": "in_progress"],
                ["title": "Settle"],
            ]])
            #expect(replaced.status == .ok)
            #expect(titles(replaced.json) == ["Soundcheck", "Load-in (dock B)", "Settle"])
            #expect(replaced.json["tasks"]?[0]?["id"]?.uuid == soundcheck)
            #expect(replaced.json["tasks"]?[0]?["completedAt"] == soundcheckDoneAt, "a task that stays done keeps its completion time")
            #expect(replaced.json["tasks"]?[1]?["id"]?.uuid == loadIn)
            #expect(replaced.json["tasks"]?[1]?["position"] == 1)
            #expect(replaced.json["progress"]?["total"] == 3)
            let unknown = try await api.patch("/api/v1/operations/checklists/\(id)", ["tasks": [["id": .string(UUID().uuidString), "title": "x"]]])
            #expect(unknown.errorFields == ["tasks[0].id"])
            #expect(titles(try await api.get("/api/v1/operations/checklists/\(id)").json).count == 3, "a refused replacement changes nothing")

            // Spec: "readinessState (not_started → in_progress → blocked → ready → complete)": forward, and blocked ↔ in_progress.
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "in_progress"]).json["readinessState"] == "in_progress")
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "blocked"]).json["readinessState"] == "blocked")
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "in_progress"]).status == .ok)
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "blocked"]).status == .ok)
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "ready"]).json["readinessState"] == "ready",
                    "blocked → ready is the spec's next step")
            let back = try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "in_progress"])
            #expect(back.status == .conflict)
            #expect(back.errorCode == "invalid_transition")
            #expect(back.json["error"]?["info"]?["from"] == "ready")
            #expect(back.json["error"]?["info"]?["allowed"] == ["complete"])

            let early = try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "complete"])
            #expect(early.errorCode == "tasks_open")
            #expect(early.json["error"]?["info"]?["openTasks"] == 2)
            // Closing the tasks and completing in one request: the check sees the new list.
            let done = try await api.patch("/api/v1/operations/checklists/\(id)", [
                "readinessState": "complete",
                "tasks": [["id": .string(soundcheck.uuidString), "title": "Soundcheck", "status": "done"],
                          ["id": .string(loadIn.uuidString), "title": "Load-in", "status": "done"], ["title": "Settle", "status": "skipped"]],
            ])
            #expect(done.status == .ok)
            #expect(done.json["readinessState"] == "complete")
            #expect(done.json["status"] == "completed")
            #expect(done.json["progress"]?["closed"] == 3)
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["readinessState": "in_progress"]).errorCode == "invalid_transition")
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["status": "open"]).errorCode == "checklist_complete")
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["status": "archived"]).json["status"] == "archived")
        }
    }

    @Test func listFiltersAndTasksForAWholePage() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let booking = try requireUUID(try await api.book([space], 10, 12).json["id"])
            let promoterEvent = try await promoter.event(of: clients.env.companyA)
            let event = try requireUUID(try await api.post("/api/v1/events", ["promoterEventId": .string(promoterEvent)]).json["id"])
            try await api.post("/api/v1/operations/checklists", ["name": "Space prep", "spaceId": .string(space.uuidString), "tasks": [["title": "Mop"]]])
            try await api.post("/api/v1/operations/checklists", ["name": "Booking prep", "bookingId": .string(booking.uuidString), "readinessState": "blocked"])
            try await api.post("/api/v1/operations/checklists", [
                "name": "Event prep", "eventId": .string(event.uuidString), "bookingId": .string(booking.uuidString),
                "tasks": [["title": "A"], ["title": "B"]],
            ])
            let archived = try requireUUID(try await api.post("/api/v1/operations/checklists", ["name": "Old"]).json["id"])
            #expect(try await api.patch("/api/v1/operations/checklists/\(archived)", ["status": "archived"]).json["status"] == "archived")

            let all = try await api.get("/api/v1/operations/checklists")
            #expect(all.json["total"] == 4)
            let byName = Dictionary(uniqueKeysWithValues: (all.json["items"]?.arrayValue ?? []).compactMap { item in
                item["name"]?.stringValue.map { ($0, item) }
            })
            #expect(titles(byName["Event prep"]) == ["A", "B"])
            #expect(titles(byName["Space prep"]) == ["Mop"])
            #expect(try await api.get("/api/v1/operations/checklists?spaceId=\(space)").json["total"] == 1)
            #expect(try await api.get("/api/v1/operations/checklists?bookingId=\(booking)").json["total"] == 2)
            #expect(try await api.get("/api/v1/operations/checklists?eventId=\(event)").json["total"] == 1)
            #expect(try await api.get("/api/v1/operations/checklists?readiness=blocked").json["total"] == 1)
            #expect(try await api.get("/api/v1/operations/checklists?status=archived").json["total"] == 1)
            #expect(try await api.get("/api/v1/operations/checklists?status=open&limit=2").json["items"]?.arrayValue?.count == 2)
            #expect(try await api.get("/api/v1/operations/checklists?readiness=done").errorCode == "invalid_query")
            #expect(try await api.get("/api/v1/operations/checklists?eventId=nope").errorCode == "invalid_query")
        }
    }

    @Test func validationErrors() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let invalid = try await api.post("/api/v1/operations/checklists", [
                "readinessState": "finished", "tasks": [["title": ""], ["id": .string(UUID().uuidString), "title": "x", "status": "finished"]],
            ])
            #expect(Set(invalid.errorFields) == ["name", "readinessState", "tasks[0].title", "tasks[1].id", "tasks[1].status"])
            #expect(try await api.request(.post, "/api/v1/operations/checklists", rawBody: "[]").status == .badRequest)
            #expect(try await api.post("/api/v1/operations/checklists", ["name": "x", "dueAt": "tomorrow"]).status == .badRequest)
            let missing = try await api.post("/api/v1/operations/checklists", [
                "name": "x", "eventId": .string(UUID().uuidString), "templateId": .string(UUID().uuidString),
            ])
            #expect(Set(missing.errorFields) == ["eventId", "templateId"])

            let id = try requireUUID(try await api.post("/api/v1/operations/checklists", ["name": "x"]).json["id"])
            let patch = try await api.patch("/api/v1/operations/checklists/\(id)", [
                "templateId": .string(UUID().uuidString), "status": "completed", "name": nil, "readinessState": "finished", "tasks": nil,
            ])
            #expect(Set(patch.errorFields) == ["templateId", "status", "name", "readinessState", "tasks"])
            let duplicate = UUID().uuidString
            #expect(try await api.patch("/api/v1/operations/checklists/\(id)", ["tasks": [["id": .string(duplicate), "title": "a"], ["id": .string(duplicate), "title": "b"]]])
                .errorFields == ["tasks[1].id"])
            #expect(try await api.patch("/api/v1/operations/checklists/\(UUID())", ["name": "x"]).status == .notFound)
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withVenueAndPromoter { clients, promoter in
            let a = clients.a
            let b = clients.b
            let checklist = try requireUUID(try await a.post("/api/v1/operations/checklists", ["name": "Show", "tasks": [["title": "x"]]]).json["id"])
            let template = try requireUUID(try await a.post("/api/v1/operations/templates", ["name": "Show day"]).json["id"])

            let reader = clients.a(permissions: ["venue.operations.read"])
            #expect(try await reader.get("/api/v1/operations/checklists").status == .ok)
            #expect(try await reader.get("/api/v1/operations/templates/\(template)").status == .ok)
            #expect(try await reader.post("/api/v1/operations/checklists", ["name": "x"]).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/operations/checklists/\(checklist)", ["name": "x"]).errorCode == "permission_denied")
            #expect(try await reader.post("/api/v1/operations/templates", ["name": "x"]).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/operations/templates/\(template)", ["name": "x"]).errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.events.read"]).get("/api/v1/operations/templates").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: allVenuePermissions, modules: []).get("/api/v1/operations/checklists").errorCode == "module_disabled")

            #expect(try await b.get("/api/v1/operations/checklists/\(checklist)").status == .notFound)
            #expect(try await b.patch("/api/v1/operations/checklists/\(checklist)", ["name": "x"]).status == .notFound)
            #expect(try await b.get("/api/v1/operations/templates/\(template)").status == .notFound)
            #expect(try await b.patch("/api/v1/operations/templates/\(template)", ["tasks": []]).status == .notFound)
            #expect(try await b.get("/api/v1/operations/checklists").json["total"] == 0)
            #expect(try await b.get("/api/v1/operations/templates").json["total"] == 0)
            #expect(titles(try await a.get("/api/v1/operations/checklists/\(checklist)").json) == ["x"])

            // A's event, space, booking and template referenced by B: each field is refused, all at once.
            let (_, space) = try await a.makeSpace()
            let booking = try requireUUID(try await a.book([space], 1, 2).json["id"])
            let promoterEvent = try await promoter.event(of: clients.env.companyA)
            let event = try requireUUID(try await a.post("/api/v1/events", ["promoterEventId": .string(promoterEvent)]).json["id"])
            let refused = try await b.post("/api/v1/operations/checklists", [
                "name": "x", "eventId": .string(event.uuidString), "spaceId": .string(space.uuidString),
                "bookingId": .string(booking.uuidString), "templateId": .string(template.uuidString),
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.errorFields) == ["eventId", "spaceId", "bookingId", "templateId"])
            let own = try requireUUID(try await b.post("/api/v1/operations/checklists", ["name": "x"]).json["id"])
            #expect(Set(try await b.patch("/api/v1/operations/checklists/\(own)", ["spaceId": .string(space.uuidString), "bookingId": .string(booking.uuidString)])
                .errorFields) == ["spaceId", "bookingId"])
        }
    }
}
