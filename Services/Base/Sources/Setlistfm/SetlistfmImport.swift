import Foundation
import KisumKernel

/// One setlist as a row of the artist's history (`artist_shows`, source `setlistfm`, `external_ref` the setlist id).
/// Texts are cut to the table's bounds here because imports do not pass through the request bodies.
struct ImportedShow: Sendable, Equatable {
    var setlistID: String
    /// `YYYY-MM-DD`, within the table's 1900–2199.
    var performedOn: String
    var venueName: String?
    var city: String?
    /// ISO 3166-1 alpha-2; matched to Base's countries in SQL (an unknown code leaves the country empty).
    var countryCode: String?
    /// `played` up to today (UTC), `scheduled` after: setlist.fm also lists announced shows.
    var status: String
    var notes: String?

    /// nil for a setlist without a usable id or date (counted as skipped).
    init?(_ setlist: SetlistfmSetlist, today: String) {
        guard let id = SetlistfmRules.shortID(setlist.id), let day = setlist.eventDate,
              day >= ArtistShowRules.firstDay, day <= ArtistShowRules.lastDay else { return nil }
        setlistID = id
        performedOn = day
        venueName = Self.bounded(setlist.venue?.name, 200)
        city = Self.bounded(setlist.venue?.city?.name, 100)
        countryCode = setlist.venue?.city?.countryCode.flatMap { LetterCode.uppercased($0, lengths: 2...2) }
        status = day > today ? "scheduled" : "played"
        var notes: [String] = []
        if let tour = setlist.tourName { notes.append("Tour: \(tour)") }
        if setlist.songCount > 0 { notes.append("\(setlist.songCount) songs") }
        if let info = setlist.info { notes.append(info) }
        if let url = setlist.url { notes.append(url) }
        self.notes = Self.bounded(notes.isEmpty ? nil : notes.joined(separator: " · "), 2000)
    }

    /// Trimmed, without NUL (PostgreSQL text refuses it), at most `limit` code points (as the checks count); nil when blank.
    static func bounded(_ text: String?, _ limit: Int) -> String? {
        guard let text else { return nil }
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\0" }))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty else { return nil }
        let cut = String(String.UnicodeScalarView(clean.unicodeScalars.prefix(limit)))
        let trimmed = cut.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Reads an artist's setlists from setlist.fm, page by page (at most `SetlistfmRules.maxImportPages`), before anything
/// is written: the database transaction never waits on setlist.fm.
struct SetlistfmHistoryFetch: Sendable {
    var setlists: [SetlistfmSetlist] = []
    var pages = 0
    var truncated = false

    static func run(_ provider: any SetlistfmProvider, mbid: String) async throws(SetlistfmError) -> SetlistfmHistoryFetch {
        var fetch = SetlistfmHistoryFetch()
        var page = 1
        while page <= SetlistfmRules.maxImportPages {
            let result: SetlistfmPage<SetlistfmSetlist>
            do throws(SetlistfmError) {
                result = try await provider.artistSetlists(mbid: mbid, page: page)
            } catch .notFound {
                // setlist.fm answers 404 for an artist without setlists as for an unknown one: only the latter is a 404 here.
                if page == 1 { _ = try await provider.artist(mbid: mbid) }
                break
            }
            fetch.pages = page
            fetch.setlists.append(contentsOf: result.items)
            let seen = page.multipliedReportingOverflow(by: max(result.limit, 1))
            if result.items.isEmpty || seen.overflow || seen.partialValue >= result.total { break }
            if page == SetlistfmRules.maxImportPages {
                fetch.truncated = true
                break
            }
            page += 1
        }
        return fetch
    }

    /// The rows to write: one per setlist id (setlist.fm may repeat one across pages when it changes while read).
    func shows(today: String) -> [ImportedShow] {
        var seen = Set<String>()
        return setlists.compactMap { ImportedShow($0, today: today) }.filter { seen.insert($0.setlistID).inserted }
    }
}
