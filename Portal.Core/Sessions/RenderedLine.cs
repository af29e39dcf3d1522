using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>One logical line (soft wraps joined) as plain text, and the index of its first physical row.</summary>
public sealed record RenderedLine(string Text, RowKind Kind, int FirstRow);
