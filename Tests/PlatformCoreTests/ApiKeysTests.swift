import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

@Suite("API keys: lifecycle and authentication")
struct ApiKeysLifecycleTests {
    func authenticate(_ api: APITestClient, _ key: String) async throws -> TestResponse {
        try await api.internalKey().post("/internal/api-keys/authenticate", ["key": .string(key)])
    }

    @Test func createdKeysAuthenticateUntilDisabledRotatedOrRevoked() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let expiry = RFC3339.string(from: Date().addingTimeInterval(30 * 86_400))
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let created = try await asOwner.post("/api/v1/api-keys", [
                "name": " CI deploys ", "description": "GitHub Actions", "scopes": ["venue.bookings.read", "finance.*", "venue.bookings.read"],
                "expires_at": .string(expiry),
            ])
            #expect(created.status == .created)
            let key = try #require(created.json["key"]?.string)
            let id = try #require(created.json["id"]?.uuid)
            #expect(key.hasPrefix("kisum_sk_"))
            #expect(created.json["prefix"]?.string == String(key.prefix(17)))
            #expect(created.json["name"] == "CI deploys")
            #expect(created.json["scopes"] == ["venue.bookings.read", "finance.*"])
            #expect(created.json["is_active"] == true)
            #expect(created.json["is_revoked"] == false)
            #expect(created.json["status"] == "active")
            #expect(created.json["created_by"]?.uuid == crew.owner.id)
            #expect(created.json["expires_at"]?.isNull == false)

            let ok = try await authenticate(api, key)
            #expect(ok.status == .ok)
            #expect(ok.json["key_id"]?.uuid == id)
            #expect(ok.json["workspace_id"]?.uuid == crew.workspace.id)
            #expect(ok.json["scopes"] == ["venue.bookings.read", "finance.*"])

            // Never the key or its digest again.
            let hash = OpaqueToken.hash(key)
            for response in [try await asOwner.get("/api/v1/api-keys"), try await asOwner.get("/api/v1/api-keys/\(id)")] {
                #expect(response.status == .ok)
                #expect(!response.text.contains(key))
                #expect(!response.text.contains(hash.base64EncodedString()))
                #expect(!response.text.contains("\"key\":\""), "the key field is null here, never the key")
                #expect(!response.text.contains("hash"))
            }
            let fetched = try await asOwner.get("/api/v1/api-keys/\(id)")
            #expect(fetched.json["prefix"] == created.json["prefix"])
            #expect(fetched.json["last_used_at"]?.isNull == false)

            // Disabled → 401 api_key_disabled; enabled again → works.
            let off = try await asOwner.post("/api/v1/api-keys/\(id)/toggle")
            #expect(off.status == .ok)
            #expect(off.json["is_active"] == false)
            #expect(off.json["status"] == "disabled")
            #expect(try await authenticate(api, key).errorCode == "api_key_disabled")
            #expect(try await asOwner.post("/api/v1/api-keys/\(id)/toggle").json["is_active"] == true)
            #expect(try await authenticate(api, key).status == .ok)

            // Rotation: the old key is revoked, the new one (same settings) works.
            let rotated = try await asOwner.post("/api/v1/api-keys/\(id)/rotate")
            #expect(rotated.status == .ok)
            let newKey = try #require(rotated.json["key"]?.string)
            let newID = try #require(rotated.json["id"]?.uuid)
            #expect(newKey != key)
            #expect(newID != id)
            #expect(rotated.json["rotated_from"]?.uuid == id)
            #expect(rotated.json["name"] == "CI deploys")
            #expect(rotated.json["description"] == "GitHub Actions")
            #expect(rotated.json["scopes"] == ["venue.bookings.read", "finance.*"])
            #expect(rotated.json["expires_at"] == created.json["expires_at"])
            #expect(try await authenticate(api, key).errorCode == "api_key_revoked")
            #expect(try await authenticate(api, newKey).json["key_id"]?.uuid == newID)
            let old = try await asOwner.get("/api/v1/api-keys/\(id)")
            #expect(old.json["is_revoked"] == true)
            #expect(old.json["status"] == "revoked")
            #expect(old.json["revoked_by"]?.uuid == crew.owner.id)

            // Revoked keys are final.
            for path in ["revoke", "rotate", "toggle"] {
                let refused = try await asOwner.post("/api/v1/api-keys/\(id)/\(path)")
                #expect(refused.status == .conflict)
                #expect(refused.errorCode == "api_key_revoked")
            }
            #expect(try await asOwner.put("/api/v1/api-keys/\(id)", ["name": "x"]).errorCode == "api_key_revoked")
            let revoked = try await asOwner.post("/api/v1/api-keys/\(newID)/revoke")
            #expect(revoked.status == .ok)
            #expect(revoked.json["revoked_at"]?.isNull == false)
            #expect(try await authenticate(api, newKey).errorCode == "api_key_revoked")

            // Deletion removes the record.
            let deleted = try await asOwner.delete("/api/v1/api-keys/\(id)")
            #expect(deleted.status == .noContent)
            #expect(try await asOwner.get("/api/v1/api-keys/\(id)").status == .notFound)
            #expect(try await asOwner.delete("/api/v1/api-keys/\(id)").status == .notFound)
            #expect(try await asOwner.get("/api/v1/api-keys/\(newID)").json["rotated_from"] == .null)
            #expect(try await authenticate(api, key).errorCode == "api_key_invalid")

            let actions = try await h.core.database.query("""
                SELECT action FROM activity WHERE workspace_id = \(crew.workspace.id) AND entity_type = 'api_key' ORDER BY created_at, action
                """).collect { try $0.decode(String.self) }
            #expect(actions == ["api_key.created", "api_key.disabled", "api_key.enabled", "api_key.rotated", "api_key.revoked", "api_key.deleted"])
        }
    }

    @Test func updateChangesNameDescriptionScopesAndSwitch() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let created = try await asAdmin.post("/api/v1/api-keys", ["name": "Sync", "description": "nightly", "scopes": ["basic.artists.read"],
                                                                      "is_active": false])
            #expect(created.json["status"] == "disabled")
            let id = try #require(created.json["id"]?.uuid)
            let updated = try await asAdmin.put("/api/v1/api-keys/\(id)", ["name": "Sync v2", "scopes": ["basic.*"], "is_active": true])
            #expect(updated.status == .ok)
            #expect(updated.json["name"] == "Sync v2")
            #expect(updated.json["description"] == "nightly")
            #expect(updated.json["scopes"] == ["basic.*"])
            #expect(updated.json["status"] == "active")
            let cleared = try await asAdmin.put("/api/v1/api-keys/\(id)", ["description": nil])
            #expect(cleared.json["description"] == .null)
            #expect(cleared.json["name"] == "Sync v2")
            #expect(try await api.internalKey().post("/internal/api-keys/authenticate", ["key": created.json["key"]!]).json["scopes"] == ["basic.*"])
            #expect(try await h.count("SELECT count(*) FROM activity WHERE action = 'api_key.updated'") == 2)

            let invalid = try await asAdmin.put("/api/v1/api-keys/\(id)", ["name": " ", "scopes": ["basic.nope.read"]])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name"])
            let unknownScope = try await asAdmin.put("/api/v1/api-keys/\(id)", ["scopes": ["basic.artists.read", "basic.nope.read"]])
            #expect(unknownScope.errorFields == ["scopes[1]"])
            #expect(unknownScope.errorDetailCodes == ["unknown_scope"])
            #expect(try await asAdmin.put("/api/v1/api-keys/\(id)", ["scopes": []]).errorFields == ["scopes"])
            #expect(try await asAdmin.put("/api/v1/api-keys/\(id)", ["is_active": "yes"]).errorCode == "invalid_body")
        }
    }

    @Test func listsPageAndFilterAndCountAgrees() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            var ids: [UUID] = []
            for name in ["first", "second", "third"] {
                ids.append(try #require(try await asOwner.post("/api/v1/api-keys", ["name": .string(name), "scopes": ["venue.*"]]).json["id"]?.uuid))
            }
            _ = try await asOwner.post("/api/v1/api-keys/\(ids[1])/toggle")
            _ = try await asOwner.post("/api/v1/api-keys/\(ids[2])/revoke")

            let all = try await asOwner.get("/api/v1/api-keys")
            #expect(all.totalCount == 3)
            // Spec: "Returns: List of API keys" — the array itself; the total travels in X-Total-Count.
            #expect(all.json.arrayValue?.count == 3)
            #expect(all.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["third", "second", "first"])
            // Not cut at 50: without `limit` up to 1000 keys come back, and X-Total-Count has the rest.
            #expect(try await asOwner.get("/api/v1/api-keys?limit=1000").status == .ok)
            let page = try await asOwner.get("/api/v1/api-keys?skip=1&limit=1")
            #expect(page.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["second"])
            #expect(page.totalCount == 3)

            for (query, expected) in [("is_active=true", ["third", "first"]), ("is_active=false", ["second"]), ("is_revoked=true", ["third"]),
                                      ("is_revoked=false&is_active=true", ["first"]), ("is_revoked=false", ["second", "first"])] {
                let list = try await asOwner.get("/api/v1/api-keys?\(query)")
                #expect(list.json.arrayValue?.compactMap { $0["name"]?.stringValue } == expected, "\(query)")
                #expect(list.totalCount == expected.count)
                let count = try await asOwner.get("/api/v1/api-keys/count?\(query)")
                #expect(count.status == .ok)
                #expect(count.json == ["count": .number(Double(expected.count))], "\(query)")
            }
            #expect(try await asOwner.get("/api/v1/api-keys/count").json["count"] == 3)

            for bad in ["is_active=maybe", "is_revoked=2", "limit=0", "limit=1001", "skip=-1"] {
                #expect(try await asOwner.get("/api/v1/api-keys?\(bad)").errorCode == "invalid_query", "\(bad)")
            }
            #expect(try await asOwner.get("/api/v1/api-keys/count?is_active=maybe").errorCode == "invalid_query")
        }
    }
}

@Suite("API keys: rules")
struct ApiKeysRulesTests {
    @Test func creationIsValidated() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let empty = try await asAdmin.post("/api/v1/api-keys", [:])
            #expect(empty.status == .unprocessableContent)
            #expect(Set(empty.errorFields) == ["name", "scopes"])
            let bad = try await asAdmin.post("/api/v1/api-keys", [
                "name": .string(String(repeating: "n", count: 201)), "description": .string(String(repeating: "d", count: 2001)),
                "scopes": ["venue.nope.read", "", "nomodule.*", "venue.*"], "expires_at": .string(RFC3339.string(from: Date().addingTimeInterval(-60))),
            ])
            #expect(Set(bad.errorFields) == ["name", "description", "scopes[1]", "expires_at"])
            let unknown = try await asAdmin.post("/api/v1/api-keys", ["name": "x", "scopes": ["venue.nope.read", "nomodule.*", "venue.*"]])
            #expect(unknown.errorFields == ["scopes[0]", "scopes[1]"])
            #expect(Set(unknown.errorDetailCodes) == ["unknown_scope"])
            #expect(try await asAdmin.post("/api/v1/api-keys", ["name": "x", "scopes": []]).errorFields == ["scopes"])
            #expect(try await asAdmin.post("/api/v1/api-keys", ["name": "x", "scopes": ["venue.*"], "expires_at": "soon"]).errorCode == "invalid_body")
            #expect(try await asAdmin.request(.post, "/api/v1/api-keys", rawBody: "{\"name\": ").errorCode == "invalid_body")
            #expect(try await h.count("SELECT count(*) FROM api_keys") == 0)
        }
    }

    @Test func keysGetNoMoreThanTheirCreatorHolds() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let asAdmin = crew.client(api, "admin")
            let ownersKey = try await asOwner.post("/api/v1/api-keys", ["name": "Finance", "scopes": ["finance.*"]]).json["id"]!.uuid!
            _ = try await asOwner.patch("/api/v1/permissions/roles/admin", ["permission": "finance.bills.write", "granted": false])

            for scopes: JSONValue in [["finance.*"], ["finance.bills.write"]] {
                let refused = try await asAdmin.post("/api/v1/api-keys", ["name": "Mine", "scopes": scopes])
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "permission_not_held")
            }
            #expect(try await asAdmin.post("/api/v1/api-keys", ["name": "Mine", "scopes": ["finance.bills.read"]]).status == .created)
            let mine = try await asAdmin.post("/api/v1/api-keys", ["name": "Mine 2", "scopes": ["venue.*"]]).json["id"]!.uuid!
            #expect(try await asAdmin.put("/api/v1/api-keys/\(mine)", ["scopes": ["finance.*"]]).errorCode == "permission_not_held")
            // Rotating would hand the admin a working secret with the owner's scopes.
            let rotate = try await asAdmin.post("/api/v1/api-keys/\(ownersKey)/rotate")
            #expect(rotate.errorCode == "permission_not_held")
            #expect(try await asOwner.get("/api/v1/api-keys/\(ownersKey)").json["status"] == "active")
            // Editing may keep or narrow scopes the editor lacks; adding one needs it.
            #expect(try await asAdmin.put("/api/v1/api-keys/\(ownersKey)", ["name": "Finance (ops)", "scopes": ["finance.*"]]).status == .ok)
            let widened = try await asAdmin.put("/api/v1/api-keys/\(ownersKey)", ["scopes": ["finance.*", "finance.bills.write"]])
            #expect(widened.errorCode == "permission_not_held")
            #expect(widened.json["error"]?["info"]?["permissions"] == ["finance.bills.write"])
            #expect(try await asAdmin.put("/api/v1/api-keys/\(ownersKey)", ["scopes": ["finance.bills.read"]]).json["scopes"] == ["finance.bills.read"])
            // Switching and revoking take nothing new: allowed.
            #expect(try await asAdmin.post("/api/v1/api-keys/\(ownersKey)/toggle").status == .ok)
        }
    }

    @Test func permissionsAndOtherWorkspaces() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let strangerOwner = try await h.user()
        let other = try await h.workspace(owner: strangerOwner)
        try await h.run { api async throws in
            let foreignKey = try await api.with(token: try await h.token(for: strangerOwner)).workspaceHeader(other.id)
                .post("/api/v1/api-keys", ["name": "Theirs", "scopes": ["venue.*"]])
            #expect(foreignKey.status == .created)
            let foreignID = foreignKey.json["id"]!.uuid!
            let asOwner = crew.client(api, "owner")
            #expect(try await asOwner.get("/api/v1/api-keys").totalCount == 0)
            #expect(try await asOwner.get("/api/v1/api-keys/\(foreignID)").status == .notFound)
            #expect(try await asOwner.put("/api/v1/api-keys/\(foreignID)", ["name": "Mine"]).status == .notFound)
            #expect(try await asOwner.delete("/api/v1/api-keys/\(foreignID)").status == .notFound)
            for action in ["revoke", "rotate", "toggle"] {
                #expect(try await asOwner.post("/api/v1/api-keys/\(foreignID)/\(action)").status == .notFound, "\(action)")
            }
            #expect(try await asOwner.get("/api/v1/api-keys/not-a-uuid").status == .notFound)
            #expect(try await asOwner.post("/api/v1/api-keys/not-a-uuid/revoke").status == .notFound)
            #expect(try await h.count("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL AND name = 'Theirs'") == 1)

            // Members and viewers neither read nor manage keys by default.
            let key = try await asOwner.post("/api/v1/api-keys", ["name": "Ours", "scopes": ["venue.*"]]).json["id"]!.uuid!
            for role in ["member", "viewer"] {
                let client = crew.client(api, role)
                for response in [try await client.get("/api/v1/api-keys"), try await client.get("/api/v1/api-keys/count"),
                                 try await client.get("/api/v1/api-keys/\(key)")] {
                    #expect(response.status == .forbidden)
                    #expect(response.errorCode == "permission_denied")
                }
            }
            // Reading is not managing.
            _ = try await asOwner.patch("/api/v1/permissions/roles/member", ["permission": "api_keys.read", "granted": true])
            let asMember = crew.client(api, "member")
            #expect(try await asMember.get("/api/v1/api-keys/\(key)").status == .ok)
            for response in [try await asMember.post("/api/v1/api-keys", ["name": "x", "scopes": ["venue.*"]]),
                             try await asMember.put("/api/v1/api-keys/\(key)", ["name": "x"]),
                             try await asMember.post("/api/v1/api-keys/\(key)/revoke"), try await asMember.post("/api/v1/api-keys/\(key)/rotate"),
                             try await asMember.post("/api/v1/api-keys/\(key)/toggle"), try await asMember.delete("/api/v1/api-keys/\(key)")] {
                #expect(response.errorCode == "permission_denied")
            }
        }
    }

    @Test func aWorkspaceHasAtMostAHundredUsableKeys() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.core.database.query("""
            INSERT INTO api_keys (workspace_id, name, prefix, key_hash, scopes)
            SELECT \(crew.workspace.id), 'bulk ' || g, 'kisum_sk_bulk', sha256(convert_to(g::text || \(UUID().uuidString), 'UTF8')), '{venue.*}'
            FROM generate_series(1, 100) g
            """)
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let full = try await asOwner.post("/api/v1/api-keys", ["name": "one more", "scopes": ["venue.*"]])
            #expect(full.status == .conflict)
            #expect(full.errorCode == "api_key_limit_reached")
            // Revoked and expired keys do not count.
            try await h.core.database.query("UPDATE api_keys SET revoked_at = now() WHERE name = 'bulk 1'")
            try await h.core.database.query("UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE name = 'bulk 2'")
            #expect(try await asOwner.post("/api/v1/api-keys", ["name": "one more", "scopes": ["venue.*"]]).status == .created)
            #expect(try await asOwner.post("/api/v1/api-keys", ["name": "two more", "scopes": ["venue.*"]]).status == .created)
            #expect(try await asOwner.post("/api/v1/api-keys", ["name": "three more", "scopes": ["venue.*"]]).errorCode == "api_key_limit_reached")
            // An expired key cannot be rotated (its copy would be expired too).
            let expired = try await h.core.database.query("SELECT id FROM api_keys WHERE name = 'bulk 2'").first { try $0.decode(UUID.self) }!
            #expect(try await asOwner.post("/api/v1/api-keys/\(expired)/rotate").errorCode == "api_key_expired")
            #expect(try await asOwner.get("/api/v1/api-keys/\(expired)").json["status"] == "expired")
        }
    }

    @Test func impersonatorsCannotMintKeys() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let issued = try await api.internalKey().post("/internal/impersonation-tokens",
                                                          ["user_id": .string(crew.owner.id.uuidString), "actor": "support@kisum.io"])
            let exchanged = try await api.post("/api/v1/auth/impersonate/exchange", ["token": issued.json["token"]!])
            let asSupport = api.with(token: exchanged.json["access_token"]!.string!).workspaceHeader(crew.workspace.id)
            let refused = try await asSupport.post("/api/v1/api-keys", ["name": "backdoor", "scopes": ["venue.*"]])
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "impersonation_forbidden")
            let key = try await crew.client(api, "owner").post("/api/v1/api-keys", ["name": "real", "scopes": ["venue.*"]]).json["id"]!.uuid!
            #expect(try await asSupport.post("/api/v1/api-keys/\(key)/rotate").errorCode == "impersonation_forbidden")
            #expect(try await asSupport.get("/api/v1/api-keys").totalCount == 1)
        }
    }
}
