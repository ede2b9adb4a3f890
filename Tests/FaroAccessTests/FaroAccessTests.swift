// FaroAccess tests (being written).
