import Foundation

/// An RFC 5545 iCalendar writer: CRLF line ends, content lines folded at 75 octets without splitting a UTF-8
/// sequence, TEXT values escaped (`\`, `;`, `,`, newlines). Pure: no I/O, so the feed is tested byte by byte.
struct ICalendarWriter {
    private(set) var text = ""

    init(name: String) {
        line("BEGIN:VCALENDAR")
        line("VERSION:2.0")
        line("PRODID:-//Kisum//Base calendar feed//EN")
        line("CALSCALE:GREGORIAN")
        line("METHOD:PUBLISH")
        line("X-WR-CALNAME:" + Self.escape(name))
        // Clients that honour it poll hourly.
        line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
        line("X-PUBLISHED-TTL:PT1H")
    }

    /// One VEVENT. `start`/`end` are either all-day (`.day`) or UTC instants (`.instant`).
    mutating func event(uid: String, stamp: Date, start: ICalendarTime, end: ICalendarTime, summary: String, location: String? = nil,
                        description: String? = nil, status: String? = nil, sequence: Int? = nil, transparent: Bool = false) {
        line("BEGIN:VEVENT")
        line("UID:" + uid)
        line("DTSTAMP:" + Self.utc(stamp))
        line("LAST-MODIFIED:" + Self.utc(stamp))
        line(start.property("DTSTART"))
        line(end.property("DTEND"))
        line("SUMMARY:" + Self.escape(summary))
        if let location, !location.isEmpty { line("LOCATION:" + Self.escape(location)) }
        if let description, !description.isEmpty { line("DESCRIPTION:" + Self.escape(description)) }
        if let status { line("STATUS:" + status) }
        if let sequence { line("SEQUENCE:\(max(0, sequence))") }
        if transparent { line("TRANSP:TRANSPARENT") }
        line("END:VEVENT")
    }

    /// The finished calendar.
    mutating func finish() -> String {
        line("END:VCALENDAR")
        return text
    }

    /// Appends a content line, folded (RFC 5545 §3.1): no line longer than 75 octets before its CRLF; a
    /// continuation starts with one space, which counts towards its 75.
    mutating func line(_ content: String) {
        var octets = 0
        for scalar in content.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > 75 {
                text += "\r\n "
                octets = 1
            }
            text.unicodeScalars.append(scalar)
            octets += size
        }
        text += "\r\n"
    }

    /// TEXT escaping (§3.3.11); other control characters are dropped.
    static func escape(_ value: String) -> String {
        var out = ""
        var previousCR = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousCR { out += "\\n" }
            default: if scalar.value >= 0x20 && scalar.value != 0x7F { out.unicodeScalars.append(scalar) }
            }
            previousCR = scalar == "\r"
        }
        return out
    }

    /// `20270612T190000Z`.
    static func utc(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04ld%02ld%02ldT%02ld%02ld%02ldZ", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// "1st", "2nd", "3rd", "4th" … "11th", "12th", "13th", "21st".
    static func ordinal(_ n: Int) -> String {
        let tens = (n / 10) % 10
        let suffix: String
        switch (tens, n % 10) {
        case (1, _): suffix = "th"
        case (_, 1): suffix = "st"
        case (_, 2): suffix = "nd"
        case (_, 3): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }
}

/// A DTSTART/DTEND value: a whole day (`VALUE=DATE`, `YYYYMMDD`) or a UTC instant.
enum ICalendarTime {
    /// `YYYY-MM-DD`.
    case day(String)
    case instant(Date)

    func property(_ name: String) -> String {
        switch self {
        case .day(let date): return "\(name);VALUE=DATE:" + date.replacingOccurrences(of: "-", with: "")
        case .instant(let date): return "\(name):" + ICalendarWriter.utc(date)
        }
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()
}
