namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Interns cell styles so a cell stores a small id. Id 0 is <see cref="CellStyle.Default"/>. A hostile stream of
/// distinct 24-bit colours cannot grow it past <see cref="MaxStyles"/>: later new styles fall back to the default.
/// </summary>
internal sealed class StyleTable
{
    public const int MaxStyles = 1 << 16;

    private readonly Dictionary<CellStyle, int> _ids = new() { [CellStyle.Default] = 0 };

    // Read by a document's viewers while its render still adds styles: grown by copying, published by the field, so a
    // reader of any id that a published row holds finds it (the id was interned before the row was published).
    private CellStyle[] _styles = [CellStyle.Default, .. new CellStyle[15]];
    private int _count = 1;

    // The last two styles looked up besides the default: shell colours mostly switch between one or two colours and
    // none (a prompt's green and blue, a listing's directories and links).
    private (CellStyle Style, int Id) _last = (CellStyle.Default, 0);
    private (CellStyle Style, int Id) _before = (CellStyle.Default, 0);

    public int IdOf(CellStyle style)
    {
        if (style == CellStyle.Default)
        {
            return 0;
        }

        if (style == _last.Style)
        {
            return _last.Id;
        }

        if (style == _before.Style)
        {
            (_last, _before) = (_before, _last);
            return _last.Id;
        }

        if (_ids.TryGetValue(style, out var id))
        {
            (_last, _before) = ((style, id), _last);
            return id;
        }

        if (_count >= MaxStyles)
        {
            return 0;
        }

        id = _count;
        if (id == _styles.Length)
        {
            var grown = new CellStyle[_styles.Length * 2];
            _styles.CopyTo(grown, 0);
            Volatile.Write(ref _styles, grown);
        }

        _styles[id] = style;
        _count++;
        _ids[style] = id;
        (_last, _before) = ((style, id), _last);
        return id;
    }

    public CellStyle this[int id] => Volatile.Read(ref _styles)[id];
}
