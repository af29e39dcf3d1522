namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// A view of one cell. <see cref="Width"/> is 1, 2 for the first half of a wide character, or 0 for its second
/// half. <see cref="Text"/> is empty for a blank cell and may hold combining marks after the base character.
/// </summary>
public readonly record struct TerminalCell(string Text, byte Width, CellStyle Style)
{
    /// <summary>True when the cell shows nothing but its background.</summary>
    public bool IsBlank => Text.Length == 0;
}
