namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Interns cell styles so a cell stores a small id. Id 0 is <see cref="CellStyle.Default"/>. A hostile stream of
/// distinct 24-bit colours cannot grow it past <see cref="MaxStyles"/>: later new styles fall back to the default.
/// </summary>
internal sealed class StyleTable
{
    public const int MaxStyles = 1 << 16;

    private readonly Dictionary<CellStyle, int> _ids = new() { [CellStyle.Default] = 0 };
    private readonly List<CellStyle> _styles = [CellStyle.Default];

    public int IdOf(CellStyle style)
    {
        if (_ids.TryGetValue(style, out var id))
        {
            return id;
        }

        if (_styles.Count >= MaxStyles)
        {
            return 0;
        }

        id = _styles.Count;
        _styles.Add(style);
        _ids[style] = id;
        return id;
    }

    public CellStyle this[int id] => _styles[id];
}
