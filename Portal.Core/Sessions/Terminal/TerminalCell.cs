namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// One cell. <see cref="Width"/> is 1, 2 for the first half of a wide character, or 0 for its second half.
/// <see cref="Text"/> is empty for a blank cell and may hold combining marks after the base character.
/// </summary>
public readonly record struct TerminalCell(string Text, byte Width, CellStyle Style)
{
    /// <summary>A blank, default-styled cell.</summary>
    public static TerminalCell Blank { get; } = new(string.Empty, 1, CellStyle.Default);

    /// <summary>A blank cell in the given style (erasing keeps the background colour).</summary>
    public static TerminalCell BlankIn(CellStyle style) => new(string.Empty, 1, style);

    /// <summary>True when the cell shows nothing but its background.</summary>
    public bool IsBlank => Text.Length == 0;
}
