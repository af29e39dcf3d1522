using System.Globalization;

namespace Portal.Core.Sessions.Terminal;

/// <summary>The xterm 256-colour palette (16 system colours, the 6x6x6 cube, 24 greys) as CSS hex colours.</summary>
internal static class XtermPalette
{
    private static readonly string[] Colors = Build();

    public static string? Css(int color) => color switch
    {
        CellStyle.DefaultColor => null,
        >= 0 and < 256 => Colors[color],
        _ when (color & CellStyle.TrueColorBit) != 0 => "#" + (color & 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string[] Build()
    {
        string[] system =
        [
            "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
            "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
        ];
        var colors = new string[256];
        system.CopyTo(colors, 0);
        int[] steps = [0, 95, 135, 175, 215, 255];
        for (var i = 0; i < 216; i++)
        {
            colors[16 + i] = Hex(steps[i / 36], steps[i / 6 % 6], steps[i % 6]);
        }

        for (var i = 0; i < 24; i++)
        {
            var level = 8 + (i * 10);
            colors[232 + i] = Hex(level, level, level);
        }

        return colors;
    }

    private static string Hex(int r, int g, int b) => $"#{r:x2}{g:x2}{b:x2}";
}
