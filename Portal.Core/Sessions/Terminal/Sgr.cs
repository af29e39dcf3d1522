namespace Portal.Core.Sessions.Terminal;

/// <summary>Select Graphic Rendition: colours (16, 256 and 24-bit, with ';' or ':' forms) and attributes.</summary>
internal static class Sgr
{
    public static void Apply(CsiParams p, ref CellStyle style)
    {
        if (p.Count == 0)
        {
            style = CellStyle.Default;
            return;
        }

        for (var i = 0; i < p.Count; i++)
        {
            var code = p.Raw(i);
            switch (code)
            {
                case 0:
                    style = CellStyle.Default;
                    break;
                case 1:
                    style = With(style, CellAttributes.Bold);
                    break;
                case 2:
                    style = With(style, CellAttributes.Faint);
                    break;
                case 3:
                    style = With(style, CellAttributes.Italic);
                    break;
                case 4:
                    // 4:0 turns underline off; 4:1..4:5 are underline styles.
                    style = p.IsSub(i + 1) && p.Raw(i + 1) == 0 ? Without(style, CellAttributes.Underline) : With(style, CellAttributes.Underline);
                    i = SkipSubs(p, i);
                    break;
                case 5 or 6:
                    style = With(style, CellAttributes.Blink);
                    break;
                case 7:
                    style = With(style, CellAttributes.Inverse);
                    break;
                case 8:
                    style = With(style, CellAttributes.Invisible);
                    break;
                case 9:
                    style = With(style, CellAttributes.Strikethrough);
                    break;
                case 21:
                    style = With(style, CellAttributes.Underline);
                    break;
                case 22:
                    style = Without(style, CellAttributes.Bold | CellAttributes.Faint);
                    break;
                case 23:
                    style = Without(style, CellAttributes.Italic);
                    break;
                case 24:
                    style = Without(style, CellAttributes.Underline);
                    break;
                case 25:
                    style = Without(style, CellAttributes.Blink);
                    break;
                case 27:
                    style = Without(style, CellAttributes.Inverse);
                    break;
                case 28:
                    style = Without(style, CellAttributes.Invisible);
                    break;
                case 29:
                    style = Without(style, CellAttributes.Strikethrough);
                    break;
                case >= 30 and <= 37:
                    style = style with { Foreground = code - 30 };
                    break;
                case 38:
                    i = ExtendedColor(p, i, out var foreground);
                    if (foreground is { } fg)
                    {
                        style = style with { Foreground = fg };
                    }

                    break;
                case 39:
                    style = style with { Foreground = CellStyle.DefaultColor };
                    break;
                case >= 40 and <= 47:
                    style = style with { Background = code - 40 };
                    break;
                case 48:
                    i = ExtendedColor(p, i, out var background);
                    if (background is { } bg)
                    {
                        style = style with { Background = bg };
                    }

                    break;
                case 49:
                    style = style with { Background = CellStyle.DefaultColor };
                    break;
                case 53:
                    style = With(style, CellAttributes.Overline);
                    break;
                case 55:
                    style = Without(style, CellAttributes.Overline);
                    break;
                case >= 90 and <= 97:
                    style = style with { Foreground = code - 90 + 8 };
                    break;
                case >= 100 and <= 107:
                    style = style with { Background = code - 100 + 8 };
                    break;
                default:
                    i = SkipSubs(p, i);
                    break;
            }
        }
    }

    /// <summary>38/48 in its forms: <c>5;n</c>, <c>2;r;g;b</c>, <c>5:n</c>, <c>2:r:g:b</c> and <c>2::r:g:b</c>.</summary>
    private static int ExtendedColor(CsiParams p, int i, out int? color)
    {
        color = null;
        if (p.IsSub(i + 1))
        {
            var end = SkipSubs(p, i);
            var count = end - i;
            var kind = p.Raw(i + 1);
            if (kind == 5 && count >= 2)
            {
                color = Math.Min(p.Raw(i + 2), 255);
            }
            else if (kind == 2 && count >= 4)
            {
                // With a colour-space id (2::r:g:b or 2:id:r:g:b) the last three are the components.
                color = Rgb(p.Raw(end - 2), p.Raw(end - 1), p.Raw(end));
            }

            return end;
        }

        switch (p.Raw(i + 1))
        {
            case 5 when i + 2 < p.Count:
                color = Math.Min(p.Raw(i + 2), 255);
                return i + 2;
            case 2 when i + 4 < p.Count:
                color = Rgb(p.Raw(i + 2), p.Raw(i + 3), p.Raw(i + 4));
                return i + 4;
            default:
                return Math.Min(i + 1, p.Count - 1);
        }
    }

    private static int Rgb(int r, int g, int b) =>
        CellStyle.TrueColorBit | (Math.Min(r, 255) << 16) | (Math.Min(g, 255) << 8) | Math.Min(b, 255);

    private static int SkipSubs(CsiParams p, int i)
    {
        while (p.IsSub(i + 1))
        {
            i++;
        }

        return i;
    }

    private static CellStyle With(CellStyle style, CellAttributes flag) => style with { Attributes = style.Attributes | flag };

    private static CellStyle Without(CellStyle style, CellAttributes flag) => style with { Attributes = style.Attributes & ~flag };
}
