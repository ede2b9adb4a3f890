/// The time frames of Proxmox's `rrddata`: each is one round-robin archive of `rows` rows,
/// each row consolidating `step` seconds (Proxmox: 70 rows per frame, from one-minute rows
/// for the hour to one-week rows for the year).
public enum TimeFrame: String, Sendable, CaseIterable, Codable {
    case hour, day, week, month, year
    /// Node series only, as in Proxmox's node `rrddata`: ten years of one-week rows.
    case decade

    /// Seconds one row consolidates.
    public var step: Int {
        switch self {
        case .hour: 60
        case .day: 30 * 60
        case .week: 3 * 3600
        case .month: 12 * 3600
        case .year, .decade: 7 * 86400
        }
    }

    /// Rows the archive keeps, which is also how many points `rrddata` returns.
    public var rows: Int { self == .decade ? 522 : 70 }
}

/// How the samples of one row are combined: `AVERAGE` or `MAX`.
public enum Consolidation: String, Sendable, CaseIterable {
    case average = "AVERAGE"
    case max = "MAX"
}
