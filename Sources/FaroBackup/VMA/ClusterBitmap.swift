/// One bit per cluster of a device: which clusters an archive has seen, so a writer or reader
/// can refuse a duplicate and name the first one missing.
struct ClusterBitmap {
    private var words: [UInt64]
    let count: UInt64

    init(count: UInt64) {
        self.count = count
        words = [UInt64](repeating: 0, count: Int((count + 63) / 64))
    }

    /// Marks `cluster`; false when it was marked already.
    mutating func insert(_ cluster: UInt64) -> Bool {
        let word = Int(cluster / 64), bit = UInt64(1) << (cluster % 64)
        guard words[word] & bit == 0 else { return false }
        words[word] |= bit
        return true
    }

    func contains(_ cluster: UInt64) -> Bool { words[Int(cluster / 64)] & (UInt64(1) << (cluster % 64)) != 0 }

    var firstMissing: UInt64? {
        for (index, word) in words.enumerated() where word != .max {
            let cluster = UInt64(index * 64 + (~word).trailingZeroBitCount)
            return cluster < count ? cluster : nil
        }
        return nil
    }
}
