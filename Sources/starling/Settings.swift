// The settings types (`SettingReader`, `CommonOptions`, `TimelineOptions`, `ListenOptions`) live in the
// StarlingSettings module (Sources/StarlingSettings/Settings.swift), shared with `starling-loadtest`.
@_exported import StarlingSettings
