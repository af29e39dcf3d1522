namespace Portal.Core.Sessions.Terminal;

/// <summary>Where a transcript row comes from.</summary>
public enum RowKind
{
    /// <summary>A row of the terminal's normal buffer, as the terminal shows it at the end.</summary>
    Live,

    /// <summary>What a full-screen program (vim, less, top on the alternate screen) last showed before it exited.</summary>
    FullScreenSnapshot,

    /// <summary>What <c>clear</c> or an erase of the whole screen wiped.</summary>
    Cleared,
}
