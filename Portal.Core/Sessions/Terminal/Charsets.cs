namespace Portal.Core.Sessions.Terminal;

/// <summary>G0/G1 designations and which one is shifted in; only DEC line drawing differs from ASCII.</summary>
internal readonly record struct Charsets(bool G0LineDrawing, bool G1LineDrawing, bool ShiftOut)
{
    public bool LineDrawing => ShiftOut ? G1LineDrawing : G0LineDrawing;

    /// <summary>DEC Special Graphics for 0x60-0x7E.</summary>
    public static int Map(int c) => c switch
    {
        '`' => '◆', 'a' => '▒', 'b' => '␉', 'c' => '␌', 'd' => '␍', 'e' => '␊', 'f' => '°', 'g' => '±',
        'h' => '␤', 'i' => '␋', 'j' => '┘', 'k' => '┐', 'l' => '┌', 'm' => '└', 'n' => '┼', 'o' => '⎺',
        'p' => '⎻', 'q' => '─', 'r' => '⎼', 's' => '⎽', 't' => '├', 'u' => '┤', 'v' => '┴', 'w' => '┬',
        'x' => '│', 'y' => '≤', 'z' => '≥', '{' => 'π', '|' => '≠', '}' => '£', '~' => '·',
        _ => c,
    };
}
