using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>One physical row: HTML with every character encoded, and where it comes from.</summary>
public sealed record RenderedRow(string Html, RowKind Kind);
