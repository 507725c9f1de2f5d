extension Migrations {
    /// Tags by length, then name (`InteractionStore.searchTags`): a prefix search reads, for each
    /// length, only the page's worth of names, never every tag the prefix matches.
    static let tagsByLength = Migration(version: 25, name: "tags_by_length", sql: """
    CREATE INDEX tags_by_length ON tags (length(name), name text_pattern_ops);
    """)
}
