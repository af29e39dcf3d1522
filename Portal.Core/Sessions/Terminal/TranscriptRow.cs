namespace Portal.Core.Sessions.Terminal;

/// <summary>One row of a rendered transcript and where it comes from.</summary>
public sealed record TranscriptRow(TerminalRow Row, RowKind Kind);
