namespace Portal.Core.Sessions.Terminal;

/// <summary>A terminal's size; a zero part is unknown (see <see cref="TerminalSizeScanner"/>).</summary>
/// <param name="Columns">Columns, or 0.</param>
/// <param name="Rows">Rows, or 0.</param>
public readonly record struct TerminalSize(int Columns, int Rows)
{
    /// <summary>The widest terminal the evidence is believed for (a hostile transcript addresses column 99,999).</summary>
    public const int MaxColumns = 500;

    /// <summary>The tallest terminal the evidence is believed for.</summary>
    public const int MaxRows = 250;

    /// <summary>The size used where nothing else is known, and the least the evidence is taken for.</summary>
    public static TerminalSize Default { get; } = new(80, 24);

    /// <summary>At least this size and at least <paramref name="columns"/> by <paramref name="rows"/> (values past the limits are not believed).</summary>
    public TerminalSize AtLeast(int columns, int rows) => new(
        columns <= MaxColumns ? Math.Max(Columns, columns) : Columns,
        rows <= MaxRows ? Math.Max(Rows, rows) : Rows);

    /// <summary>At least this size and at least <paramref name="other"/>.</summary>
    public TerminalSize AtLeast(TerminalSize other) => AtLeast(other.Columns, other.Rows);
}
