namespace Portal.Core.Sessions.Terminal;

/// <summary>The parameters of one control sequence; sub-parameters (after ':') are flagged.</summary>
internal readonly ref struct CsiParams(ReadOnlySpan<int> values, ReadOnlySpan<bool> isSub, int count)
{
    private readonly ReadOnlySpan<int> _values = values[..count];
    private readonly ReadOnlySpan<bool> _isSub = isSub[..count];

    public int Count => _values.Length;

    /// <summary>The parameter at <paramref name="index"/>, or <paramref name="fallback"/> when absent or zero.</summary>
    public int Get(int index, int fallback) => index < _values.Length && _values[index] != 0 ? _values[index] : fallback;

    /// <summary>The raw value (0 when absent).</summary>
    public int Raw(int index) => index < _values.Length ? _values[index] : 0;

    public bool IsSub(int index) => index < _isSub.Length && _isSub[index];
}
