extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let relationships = #"""
{
 "paths": {}
}
"""#
}
