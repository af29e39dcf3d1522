namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// How a cell is drawn. Colours are <see cref="DefaultColor"/>, a palette index 0-255, or <c>0x1000000 | rgb</c>.
/// </summary>
public readonly record struct CellStyle(int Foreground, int Background, CellAttributes Attributes)
{
    /// <summary>The terminal's default colour.</summary>
    public const int DefaultColor = -1;

    /// <summary>The marker bit of a 24-bit colour.</summary>
    public const int TrueColorBit = 0x1000000;

    /// <summary>Default colours, no attributes.</summary>
    public static CellStyle Default { get; } = new(DefaultColor, DefaultColor, CellAttributes.None);
}
