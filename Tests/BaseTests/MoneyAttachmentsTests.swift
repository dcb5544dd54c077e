import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 10: "Income lines … attachments (multipart, size and type limits)" and Event Expense's "Attach a file to
/// an expense (multipart)" / "Remove an expense attachment" — the type decided by the bytes, stored with its
/// SHA-256, reached only through its own line.
@Suite("Base money attachments")
struct MoneyAttachmentsTests {
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    static let pdfSHA256 = "2424e4b37c25d8dac4c66fd4ecd780c717b828582c3f9a9fc718672d2d5e31f1"
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 64)

    @Test func expenseAttachmentsAreSniffedStoredListedDownloadedAndDeleted() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Receipts", on: "2027-06-10")
            let line = try await api.opsCreated("/api/event-expense", expenseLine(event))
            let path = "/api/event-expense/\(line)/attachments"
            let uploaded = try await api.uploadFile(path, Self.pdf, filename: "../scans/Invoice 7.pdf")
            #expect(uploaded.status == .created)
            #expect(uploaded.json["ownerType"] == "expense")
            #expect(uploaded.json["ownerId"]?.uuid == line)
            #expect(uploaded.json["fileName"] == "Invoice 7.pdf")
            #expect(uploaded.json["contentType"] == "application/pdf")
            #expect(uploaded.json["sizeBytes"] == .number(Double(Self.pdf.count)))
            #expect(uploaded.json["sha256"] == .string(Self.pdfSHA256))
            let attachment = try #require(uploaded.json["id"]?.uuid)
            #expect(try await api.uploadFile(path, Array("amount,vendor\n10,Ads\n".utf8), filename: "costs.csv").json["contentType"] == "text/csv")

            let elf = try await api.uploadFile(path, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00], filename: "receipt.pdf")
            #expect(elf.status == .unprocessableContent)
            #expect(elf.json["error"]?["details"]?[0]?["code"] == "unsupported_file_type")
            #expect(try await api.uploadFile(path, []).status == .unprocessableContent)
            #expect(try await api.uploadFile(path, Self.pdf, contentType: "application/json").status == .unsupportedMediaType)
            #expect(try await api.uploadFile(path, Self.pdf, contentType: "multipart/form-data; boundary=other").status == .badRequest)
            let big = Self.pdf + Array(repeating: 0x20, count: 10 * 1024 * 1024)
            #expect(try await api.uploadFile(path, big).status == .contentTooLarge)

            let list = try await api.get(path)
            #expect(list.json["total"] == 2)
            #expect(list.json["items"]?[1]?["id"]?.uuid == attachment)
            #expect(try await api.get("/api/event-expense/\(line)").json["attachmentCount"] == 2)
            let download = try await api.get("\(path)/\(attachment)/download")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition] == "attachment; filename*=UTF-8''Invoice%207%2Epdf")
            #expect(Array(download.body.readableBytesView) == Self.pdf)

            let b = t.b
            #expect(try await b.get(path).status == .notFound)
            #expect(try await b.uploadFile(path, Self.pdf).status == .notFound)
            #expect(try await b.get("\(path)/\(attachment)/download").status == .notFound)
            #expect(try await b.delete("\(path)/\(attachment)").status == .notFound)
            let reader = t.a(permissions: [BasePermission.expensesRead])
            #expect(try await reader.get(path).status == .ok)
            #expect(try await reader.uploadFile(path, Self.pdf).status == .forbidden)
            #expect(try await reader.delete("\(path)/\(attachment)").status == .forbidden)
            #expect(try await t.a(permissions: [BasePermission.incomeRead]).get(path).status == .forbidden)
            // An attachment is reached only through its own line.
            let other = try await api.opsCreated("/api/event-expense", expenseLine(event))
            #expect(try await api.get("/api/event-expense/\(other)/attachments/\(attachment)/download").status == .notFound)
            #expect(try await api.delete("/api/event-expense/\(other)/attachments/\(attachment)").status == .notFound)
            #expect(try await api.get("/api/event-expense/\(other)/attachments").json["total"] == 0)
            #expect(try await api.get("/api/event-expense/\(UUID())/attachments").status == .notFound)
            #expect(try await api.get("\(path)?limit=0").status == .badRequest)

            #expect(try await api.delete("\(path)/\(attachment)").status == .noContent)
            #expect(try await api.delete("\(path)/\(attachment)").status == .notFound)
            #expect(try await api.get(path).json["total"] == 1)
            // Deleting the line takes its attachments with it.
            #expect(try await api.delete("/api/event-expense/\(line)").status == .noContent)
            #expect(try await t.attachmentRows(expense: line) == 0)
        }
    }

    @Test func incomeAttachmentsNeedTheIncomePermissions() async throws {
        try await withExpenses { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Income", on: "2027-06-10")
            let income = try await t.insertIncome(event: event)
            let path = "/api/event-income/\(income)/attachments"
            let uploaded = try await api.uploadFile(path, Self.png, filename: "remittance.png")
            #expect(uploaded.status == .created)
            #expect(uploaded.json["ownerType"] == "income")
            #expect(uploaded.json["contentType"] == "image/png")
            let id = try #require(uploaded.json["id"]?.uuid)
            #expect(try await api.get(path).json["items"]?[0]?["id"]?.uuid == id)
            #expect(Array(try await api.get("\(path)/\(id)/download").body.readableBytesView) == Self.png)

            let expensesOnly = t.a(permissions: [BasePermission.expensesRead, BasePermission.expensesWrite])
            #expect(try await expensesOnly.get(path).status == .forbidden)
            #expect(try await expensesOnly.uploadFile(path, Self.png).status == .forbidden)
            let incomeReader = t.a(permissions: [BasePermission.incomeRead])
            #expect(try await incomeReader.get(path).status == .ok)
            #expect(try await incomeReader.delete("\(path)/\(id)").status == .forbidden)
            #expect(try await incomeReader.uploadFile(path, Self.png).status == .forbidden)

            let theirEvent = try await t.insertOpsEvent("Theirs", on: "2027-06-10", company: t.companyB)
            let theirIncome = try await t.insertIncome(event: theirEvent, company: t.companyB)
            #expect(try await api.uploadFile("/api/event-income/\(theirIncome)/attachments", Self.png).status == .notFound)
            #expect(try await t.b.get(path).status == .notFound)
            #expect(try await t.b.get("\(path)/\(id)/download").status == .notFound)
            #expect(try await t.b.delete("\(path)/\(id)").status == .notFound)
            #expect(try await api.uploadFile(path, Array("MZ\u{90}\u{00}binary".utf8), filename: "x.exe").status == .unprocessableContent)
            #expect(try await api.delete("\(path)/\(id)").status == .noContent)
            #expect(try await api.get(path).json["total"] == 0)
        }
    }
}
