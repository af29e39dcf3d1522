namespace Portal.Core.Sessions.Terminal;

/// <summary>SGR attributes of a cell.</summary>
[Flags]
public enum CellAttributes : ushort
{
    /// <summary>No attribute.</summary>
    None = 0,

    /// <summary>SGR 1.</summary>
    Bold = 1,

    /// <summary>SGR 2.</summary>
    Faint = 2,

    /// <summary>SGR 3.</summary>
    Italic = 4,

    /// <summary>SGR 4 (and 4:x).</summary>
    Underline = 8,

    /// <summary>SGR 5.</summary>
    Blink = 16,

    /// <summary>SGR 7.</summary>
    Inverse = 32,

    /// <summary>SGR 8.</summary>
    Invisible = 64,

    /// <summary>SGR 9.</summary>
    Strikethrough = 128,

    /// <summary>SGR 53.</summary>
    Overline = 256,
}
