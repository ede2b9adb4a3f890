#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// One series on disk: a fixed-size file holding, per time frame, a ring of rows. A row names
/// the time bucket it consolidates and carries a checksum, so a reader takes only rows that
/// belong where they are and were written whole. Nothing else in the file points anywhere,
/// so a crash (or a power loss before the kernel wrote a page back) leaves at worst rows that
/// read as unknown; the file is never fsynced.
///
/// Layout (little-endian): a 128-byte header (`FARORRD1`, field count, frame count, layout
/// hash, then `step`/`rows` per frame), then each frame's rows in order. A row is the bucket's
/// start time (Int64), the number of samples in it (UInt32), an FNV-1a checksum (UInt32), the
/// averages and the maxima (Float64 each, in field order).
struct RoundRobinFile {
    let path: String
    let layout: SeriesLayout
    private let descriptor: Int32

    static let headerSize = 128
    static let magic = Array("FARORRD1".utf8)

    /// Opens the series' file, creating it (or replacing one of another layout) when needed.
    static func open(_ path: String, layout: SeriesLayout) throws(MetricsError) -> RoundRobinFile {
        let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC)
        if descriptor >= 0 {
            let file = RoundRobinFile(path: path, layout: layout, descriptor: descriptor)
            if file.hasExpectedHeader() { return file }
            file.close()
        }
        try create(path, layout: layout)
        let created = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard created >= 0 else { throw .io(path: path, errno: errno) }
        return RoundRobinFile(path: path, layout: layout, descriptor: created)
    }

    /// A new file of zero rows (bucket 0 never matches a real time), made under a temporary
    /// name and renamed into place, so a reader never sees half a header.
    private static func create(_ path: String, layout: SeriesLayout) throws(MetricsError) {
        var header = [UInt8](repeating: 0, count: headerSize)
        header.replaceSubrange(0..<8, with: magic)
        header.store(UInt32(layout.fieldCount), at: 8)
        header.store(UInt32(layout.frames.count), at: 12)
        header.store(layout.hash, at: 16)
        for (index, frame) in layout.frames.enumerated() {
            header.store(UInt32(frame.step), at: 24 + index * 8)
            header.store(UInt32(frame.rows), at: 28 + index * 8)
        }
        let temporary = path + ".new"
        do {
            try FileIO.writeAtomically(temporary, header, mode: 0o600)
            guard truncate(temporary, off_t(layout.fileSize)) == 0 else { throw MetricsError.io(path: temporary, errno: errno) }
            try FileIO.rename(temporary, to: path)
        } catch let error as MetricsError {
            throw error
        } catch {
            throw .io(path: path, errno: EIO)
        }
    }

    func close() { Glibc.close(descriptor) }

    private func hasExpectedHeader() -> Bool {
        var header = [UInt8](repeating: 0, count: Self.headerSize)
        let count = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Self.headerSize, 0) }
        guard count == Self.headerSize, Array(header[0..<8]) == Self.magic, header.load(UInt64.self, at: 16) == layout.hash
        else { return false }
        var info = stat()
        return fstat(descriptor, &info) == 0 && Int(info.st_size) == layout.fileSize
    }

    /// The row in `frame`'s slot for `bucket`, if that slot holds this bucket.
    func row(frame: Int, bucket: Int) -> SeriesRow? {
        let slot = layout.slot(frame: frame, bucket: bucket)
        var bytes = [UInt8](repeating: 0, count: layout.rowSize)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, layout.rowSize, off_t(layout.offset(frame: frame, slot: slot))) }
        guard count == layout.rowSize, let row = SeriesRow(decoding: bytes[...], fields: layout.fieldCount), row.bucket == bucket
        else { return nil }
        return row
    }

    func write(_ row: SeriesRow, frame: Int) throws(MetricsError) {
        let bytes = row.encoded()
        let offset = layout.offset(frame: frame, slot: layout.slot(frame: frame, bucket: row.bucket))
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, bytes.count, off_t(offset)) }
        guard written == bytes.count else { throw .io(path: path, errno: errno) }
    }

    /// Every row of `frame` by bucket, read at once; slots holding no valid row are left out.
    func rows(frame: Int) throws(MetricsError) -> [Int: SeriesRow] {
        let size = layout.rowSize * layout.frames[frame].rows
        var bytes = [UInt8](repeating: 0, count: size)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size, off_t(layout.offset(frame: frame, slot: 0))) }
        guard count == size else { throw .io(path: path, errno: count < 0 ? errno : EIO) }
        var found: [Int: SeriesRow] = [:]
        for start in stride(from: 0, to: size, by: layout.rowSize) {
            guard let row = SeriesRow(decoding: bytes[start..<(start + layout.rowSize)], fields: layout.fieldCount) else { continue }
            found[row.bucket] = row
        }
        return found
    }
}

/// The shape of a series' file: its field count and frames.
struct SeriesLayout: Sendable {
    let fieldCount: Int
    let frames: [TimeFrame]

    init(_ kind: SeriesKind) {
        fieldCount = kind.fields.count
        frames = kind.frames
    }

    var rowSize: Int { 16 + 16 * fieldCount }
    var fileSize: Int { RoundRobinFile.headerSize + frames.reduce(0) { $0 + $1.rows } * rowSize }

    /// Identifies field count and frames, so a file of an older layout is replaced.
    var hash: UInt64 {
        var text = "\(fieldCount)"
        for frame in frames { text += ";\(frame.step)x\(frame.rows)" }
        return FNV.hash64(Array(text.utf8)[...])
    }

    func slot(frame: Int, bucket: Int) -> Int {
        let rows = frames[frame].rows
        return ((bucket / frames[frame].step) % rows + rows) % rows
    }

    func offset(frame: Int, slot: Int) -> Int {
        RoundRobinFile.headerSize + frames[..<frame].reduce(0) { $0 + $1.rows } * rowSize + slot * rowSize
    }
}

/// One consolidated row: the samples of one bucket, averaged and maximised per field.
struct SeriesRow: Equatable, Sendable {
    var bucket: Int
    var count: Int
    var average: [Double]
    var maximum: [Double]

    init(bucket: Int, sample: [Double]) {
        self.bucket = bucket
        count = 1
        average = sample
        maximum = sample
    }

    /// Adds a sample of the same bucket.
    mutating func add(_ sample: [Double]) {
        count += 1
        let weight = 1 / Double(count)
        for index in sample.indices {
            average[index] += (sample[index] - average[index]) * weight
            maximum[index] = Swift.max(maximum[index], sample[index])
        }
    }

    func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16 + 16 * average.count)
        bytes.store(UInt64(bitPattern: Int64(bucket)), at: 0)
        bytes.store(UInt32(truncatingIfNeeded: count), at: 8)
        for (index, value) in (average + maximum).enumerated() { bytes.store(value.bitPattern, at: 16 + index * 8) }
        bytes.store(Self.checksum(bytes[...]), at: 12)
        return bytes
    }

    /// Nil for an empty slot or a row whose checksum does not match (written only in part).
    init?(decoding bytes: ArraySlice<UInt8>, fields: Int) {
        let base = bytes.startIndex
        let bucket = Int(Int64(bitPattern: bytes.load(UInt64.self, at: base)))
        let count = Int(bytes.load(UInt32.self, at: base + 8))
        guard bucket != 0, count > 0, bytes.load(UInt32.self, at: base + 12) == Self.checksum(bytes) else { return nil }
        let values = (0..<(2 * fields)).map { Double(bitPattern: bytes.load(UInt64.self, at: base + 16 + $0 * 8)) }
        self.bucket = bucket
        self.count = count
        average = Array(values[..<fields])
        maximum = Array(values[fields...])
    }

    /// FNV-1a over the row without its checksum field.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let base = bytes.startIndex
        let hash = FNV.hash64(bytes[base..<(base + 12)], continuing: FNV.hash64(bytes[(base + 16)...]))
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}

enum FNV {
    static func hash64(_ bytes: ArraySlice<UInt8>, continuing seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
    }
}

extension ArraySlice where Element == UInt8 {
    fileprivate func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset - startIndex, as: T.self)) }
    }
}

extension Array where Element == UInt8 {
    fileprivate func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T { self[...].load(type, at: offset) }
}
