using System.Globalization;

namespace Portal.Core.Sessions.Terminal;

/// <summary>
/// Column widths as wcwidth gives them for Unicode 6 (the table xterm.js uses by default): combining marks and
/// format characters take none, East Asian wide and fullwidth characters two, everything else one.
/// </summary>
internal static class CharWidth
{
    public static int Of(int codePoint)
    {
        if (codePoint < 0x7F)
        {
            return codePoint >= 0x20 ? 1 : 0;
        }

        if (codePoint < 0xA0)
        {
            return 0;
        }

        if (IsZeroWidth(codePoint))
        {
            return 0;
        }

        return IsWide(codePoint) ? 2 : 1;
    }

    private static bool IsZeroWidth(int codePoint)
    {
        if (codePoint is 0x00AD)
        {
            return false;
        }

        if (codePoint is >= 0x1160 and <= 0x11FF or 0x200B)
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format;
    }

    private static bool IsWide(int c) =>
        c >= 0x1100 &&
        (c <= 0x115F || c == 0x2329 || c == 0x232A ||
         (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
         (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE10 && c <= 0xFE19) ||
         (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) ||
         (c >= 0x20000 && c <= 0x2FFFD) ||
         (c >= 0x30000 && c <= 0x3FFFD));
}
